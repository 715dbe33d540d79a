import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { LANGUAGE_CHOICES, LANGUAGES, Language } from '../../../languages';

export class LegalQueryDto {
  @ApiPropertyOptional({ enum: LANGUAGES, description: "Defaults to the deployment's DEFAULT_LANGUAGE." })
  @IsOptional() @IsIn(LANGUAGES, { message: `the language must be ${LANGUAGE_CHOICES}` })
  language?: Language;
}
