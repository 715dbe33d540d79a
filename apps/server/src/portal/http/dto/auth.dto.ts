import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LANGUAGE_CHOICES, LANGUAGES, Language } from '../../../languages';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../domain/passwords';

const EMAIL = { message: 'enter an e-mail address such as name@example.org' };
const LANGUAGE = { message: `the language of the mail must be ${LANGUAGE_CHOICES}` };

export class RegisterDto {
  @ApiProperty({ example: 'name@example.org' })
  @IsEmail({}, EMAIL) @MaxLength(254, { message: 'the e-mail address is too long (254 characters at most)' }) email!: string;
  // Length and commonness are checked by the password rules, with their own messages.
  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN_LENGTH })
  @IsString({ message: 'the password must be text' }) @MaxLength(PASSWORD_MAX_LENGTH, { message: `the password must be at most ${PASSWORD_MAX_LENGTH} characters long` }) password!: string;
  /** The page's language: the mail is written in it (default: the deployment's DEFAULT_LANGUAGE). */
  @ApiPropertyOptional({ enum: LANGUAGES, description: "The language of the mail (default: the deployment's DEFAULT_LANGUAGE)." })
  @IsOptional() @IsIn(LANGUAGES, LANGUAGE) language?: Language;
}

export class SignInDto {
  @ApiProperty({ example: 'name@example.org' })
  @IsString({ message: 'enter your e-mail address' }) @MaxLength(254, { message: 'the e-mail address is too long (254 characters at most)' }) email!: string;
  @ApiProperty({ format: 'password' })
  @IsString({ message: 'enter your password' }) @MaxLength(PASSWORD_MAX_LENGTH, { message: `the password must be at most ${PASSWORD_MAX_LENGTH} characters long` }) password!: string;
}

export class TokenDto {
  @ApiProperty({ description: 'The token from the link we mailed.' })
  @IsString({ message: 'the token from the link is missing' }) @MaxLength(100, { message: 'this is not a token from one of our links' }) token!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'name@example.org' })
  @IsEmail({}, EMAIL) @MaxLength(254, { message: 'the e-mail address is too long (254 characters at most)' }) email!: string;
  @ApiPropertyOptional({ enum: LANGUAGES, description: "The language of the mail (default: the deployment's DEFAULT_LANGUAGE)." })
  @IsOptional() @IsIn(LANGUAGES, LANGUAGE) language?: Language;
}

export class PasswordResetDto {
  @ApiProperty({ description: 'The token from the link we mailed.' })
  @IsString({ message: 'the token from the link is missing' }) @MaxLength(100, { message: 'this is not a token from one of our links' }) token!: string;
  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN_LENGTH })
  @IsString({ message: 'the password must be text' }) @MaxLength(PASSWORD_MAX_LENGTH, { message: `the password must be at most ${PASSWORD_MAX_LENGTH} characters long` }) password!: string;
}
