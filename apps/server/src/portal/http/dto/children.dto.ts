import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { LANGUAGE_CHOICES, LANGUAGES, Language } from '../../../languages';
import { TYPED_NATIONAL_NUMBER } from '../../../cascades/domain/national-number';
import { DEFAULT_COUNTRY, LABEL_MAX_LENGTH, MAX_CASCADE_NUMBERS } from '../../domain/cascade-numbers';

export class LinkChildDto {
  @ApiProperty({ description: "The child's national register number, from the card: 11 digits (YYMMDD SSS CC); spaces, dots and dashes are allowed." })
  @IsString({ message: 'enter the national register number from the card (11 digits)' })
  @Matches(TYPED_NATIONAL_NUMBER, { message: 'the national register number has 11 digits (YYMMDD SSS CC); spaces, dots and dashes are allowed' })
  nationalNumber!: string;

  @ApiProperty({ description: 'The "Contact Parents" code from the letter that came with the card.' })
  @IsString({ message: 'enter the contact code from the letter that came with the card' })
  @IsNotEmpty({ message: 'enter the contact code from the letter that came with the card' })
  @MaxLength(64, { message: 'the contact code is at most 64 characters' })
  contactCode!: string;
}

/** A lost contact code: only the child's national register number (the code is read on the first number of the active cascade). */
export class CodeRequestDto {
  @ApiProperty({ description: "The child's national register number, from the card: 11 digits (YYMMDD SSS CC); spaces, dots and dashes are allowed. Never a phone number: the code is read on the first number of the child's active cascade." })
  @IsString({ message: 'enter the national register number from the card (11 digits)' })
  @Matches(TYPED_NATIONAL_NUMBER, { message: 'the national register number has 11 digits (YYMMDD SSS CC); spaces, dots and dashes are allowed' })
  nationalNumber!: string;
}

export class CascadeNumberDto {
  @ApiProperty({ description: 'A phone number, national or international; stored as E.164.', example: '0470 12 34 56' })
  @IsString({ message: 'enter a phone number' }) @IsNotEmpty({ message: 'enter a phone number' }) @MaxLength(40, { message: 'a phone number is at most 40 characters' })
  number!: string;

  @ApiPropertyOptional({ description: 'ISO 3166 country of a national number.', default: DEFAULT_COUNTRY, example: 'BE' })
  @IsOptional() @IsString({ message: 'the country is a two-letter code such as BE' }) @Matches(/^[A-Za-z]{2}$/, { message: 'the country is a two-letter code such as BE' })
  country?: string;

  @ApiPropertyOptional({ maxLength: LABEL_MAX_LENGTH, example: 'Mum, mobile' })
  @IsOptional() @IsString({ message: 'the label must be text' }) @MaxLength(LABEL_MAX_LENGTH, { message: `the label must be at most ${LABEL_MAX_LENGTH} characters` })
  label?: string;
}

export class SaveCascadeDto {
  @ApiProperty({ type: [CascadeNumberDto], maxItems: MAX_CASCADE_NUMBERS, description: `The whole list, in the order the numbers are called (at most ${MAX_CASCADE_NUMBERS}).` })
  // The limit of MAX_CASCADE_NUMBERS is a cascade rule with its own message (numbers[7]); this only bounds the request.
  @IsArray({ message: 'numbers must be a list of {number, country, label}, in the order they are called' })
  @ArrayMaxSize(50, { message: `a cascade holds at most ${MAX_CASCADE_NUMBERS} numbers` })
  @ValidateNested({ each: true })
  @Type(() => CascadeNumberDto)
  numbers!: CascadeNumberDto[];

  @ApiPropertyOptional({ enum: LANGUAGES, description: 'The language the parents hear on the phone.' })
  @IsOptional() @IsIn(LANGUAGES, { message: `the language of the calls must be ${LANGUAGE_CHOICES}` })
  language?: Language;
}

export class ActivateCascadeDto {
  @ApiProperty({ description: 'The version of the terms of use accepted: the current one (GET /api/v1/legal/terms).', example: '2026-11' })
  @IsString({ message: 'accept the terms of use: send the version you accepted' }) @MaxLength(32, { message: 'unknown terms version' })
  termsVersion!: string;

  @ApiPropertyOptional({ description: "Needed to re-activate a cascade blocked by a new card: the new letter's code." })
  @IsOptional() @IsString({ message: 'the contact code must be text' }) @MaxLength(64, { message: 'the contact code is at most 64 characters' })
  contactCode?: string;
}
