import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class LinkChildDto {
  @IsString({ message: 'enter the national register number from the card (11 digits)' })
  @Matches(/^[\d\s.-]{11,20}$/, { message: 'the national register number has 11 digits (YYMMDD SSS CC); spaces, dots and dashes are allowed' })
  nationalNumber!: string;

  @IsString({ message: 'enter the contact code from the letter that came with the card' })
  @IsNotEmpty({ message: 'enter the contact code from the letter that came with the card' })
  @MaxLength(64, { message: 'the contact code is at most 64 characters' })
  contactCode!: string;
}

export class CascadeNumberDto {
  @IsString({ message: 'enter a phone number' }) @IsNotEmpty({ message: 'enter a phone number' }) @MaxLength(40, { message: 'a phone number is at most 40 characters' })
  number!: string;

  @IsOptional() @IsString({ message: 'the country is a two-letter code such as BE' }) @Matches(/^[A-Za-z]{2}$/, { message: 'the country is a two-letter code such as BE' })
  country?: string;

  @IsOptional() @IsString({ message: 'the label must be text' }) @MaxLength(60, { message: 'the label must be at most 60 characters' })
  label?: string;
}

export class SaveCascadeDto {
  // The limit of 7 is a cascade rule with its own message (numbers[7]); this only bounds the request.
  @IsArray({ message: 'numbers must be a list of {number, country, label}, in the order they are called' })
  @ArrayMaxSize(50, { message: 'a cascade holds at most 7 numbers' })
  @ValidateNested({ each: true })
  @Type(() => CascadeNumberDto)
  numbers!: CascadeNumberDto[];

  @IsOptional() @IsIn(['fr', 'nl', 'de', 'en'], { message: 'the language of the calls must be fr, nl, de or en' })
  language?: 'fr' | 'nl' | 'de' | 'en';
}

export class ActivateCascadeDto {
  @IsString({ message: 'accept the terms of use: send the version you accepted' }) @MaxLength(32, { message: 'unknown terms version' })
  termsVersion!: string;

  @IsOptional() @IsString({ message: 'the contact code must be text' }) @MaxLength(64, { message: 'the contact code is at most 64 characters' })
  contactCode?: string;
}
