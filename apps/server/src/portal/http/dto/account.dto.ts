import { Equals, IsBoolean, IsOptional } from 'class-validator';

export class DeleteAccountDto {
  @Equals(true, { message: 'confirm the deletion with "confirm": true' })
  confirm!: boolean;

  @IsOptional() @IsBoolean({ message: 'deleteCascades must be true or false' })
  deleteCascades?: boolean;
}
