import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { LEGAL_LANGUAGES, LegalLanguage } from '../../legal/legal-documents';

export class LegalQueryDto {
  @ApiPropertyOptional({ enum: LEGAL_LANGUAGES, description: "Defaults to the deployment's DEFAULT_LANGUAGE." })
  @IsOptional() @IsIn(LEGAL_LANGUAGES, { message: 'the language must be fr, nl, de or en' })
  language?: LegalLanguage;
}
