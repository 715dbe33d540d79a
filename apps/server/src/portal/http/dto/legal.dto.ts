import { IsIn, IsOptional } from 'class-validator';
import { LEGAL_LANGUAGES, LegalLanguage } from '../../legal/legal-documents';

export class LegalQueryDto {
  @IsOptional() @IsIn(LEGAL_LANGUAGES, { message: 'the language must be fr, nl, de or en' })
  language?: LegalLanguage;
}
