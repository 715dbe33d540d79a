import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, Equals } from 'class-validator';
import { LANGUAGE_CHOICES, LANGUAGES, Language } from '../../../languages';
import { OPTIONAL_NOTICE_KINDS, OptionalNoticeKind } from '../../../notices/domain/notices';

export class DeleteAccountDto {
  @ApiProperty({ enum: [true], description: 'Must be true.' })
  @Equals(true, { message: 'confirm the deletion with "confirm": true' })
  confirm!: boolean;

  @ApiPropertyOptional({ description: 'Delete the cascades this parent alone manages together with the account.' })
  @IsOptional() @IsBoolean({ message: 'deleteCascades must be true or false' })
  deleteCascades?: boolean;
}

/** The account's notice preferences: the kinds turned off, and the language of the notices. */
export class NoticePreferencesDto {
  @ApiProperty({ type: [String], enum: OPTIONAL_NOTICE_KINDS, description: 'The kinds of notice this account does not want. The blocking notice (cascade-blocked) cannot be turned off.' })
  @IsArray({ message: `disabled must be a list of kinds of notice (${OPTIONAL_NOTICE_KINDS.join(', ')})` })
  @ArrayMaxSize(OPTIONAL_NOTICE_KINDS.length, { message: `disabled holds at most the ${OPTIONAL_NOTICE_KINDS.length} kinds that can be turned off` })
  @IsIn(OPTIONAL_NOTICE_KINDS, { each: true, message: `each kind turned off must be one of ${OPTIONAL_NOTICE_KINDS.join(', ')} (the blocking notice cannot be turned off)` })
  disabled!: OptionalNoticeKind[];

  @ApiPropertyOptional({ enum: LANGUAGES, nullable: true, description: "The language of the notices; null or absent: the child's cascade's language, else the deployment's DEFAULT_LANGUAGE." })
  @IsOptional() @IsIn(LANGUAGES, { message: `the language of the notices must be ${LANGUAGE_CHOICES}, or null` })
  language?: Language | null;
}
