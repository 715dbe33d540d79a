import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../domain/passwords';

const CODE = { message: 'enter the 6-digit code from your authenticator app (or a recovery code)' };

export class TotpCodeDto {
  @ApiProperty({ description: 'The 6-digit code from the authenticator app, or a recovery code.', example: '123456' })
  @IsString(CODE) @MaxLength(32, CODE) code!: string;
}

export class TotpDisableDto {
  @ApiProperty({ format: 'password' })
  @IsString({ message: 'enter your password' }) @MaxLength(PASSWORD_MAX_LENGTH, { message: `the password must be at most ${PASSWORD_MAX_LENGTH} characters long` }) password!: string;
  @ApiProperty({ description: 'A current code from the authenticator app, or a recovery code.', example: '123456' })
  @IsString(CODE) @MaxLength(32, CODE) code!: string;
}
