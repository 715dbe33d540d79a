import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsBoolean, IsOptional } from 'class-validator';

export class DeleteAccountDto {
  @ApiProperty({ enum: [true], description: 'Must be true.' })
  @Equals(true, { message: 'confirm the deletion with "confirm": true' })
  confirm!: boolean;

  @ApiPropertyOptional({ description: 'Delete the cascades this parent alone manages together with the account.' })
  @IsOptional() @IsBoolean({ message: 'deleteCascades must be true or false' })
  deleteCascades?: boolean;
}
