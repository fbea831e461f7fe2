import { IsArray, IsOptional } from 'class-validator';

// Media fields are checked by FlowMedia (shape, keys, count, types), not here: the DTO only says they
// are lists, as the generated payload types do (a picker the user left empty sends nothing).

/** PHOTOS screen: the PhotoPicker's files. */
export class PhotosDto {
  @IsOptional() @IsArray() photos?: unknown[];
}

/** RECEIPT screen: the DocumentPicker's file, if any. */
export class ReceiptDto {
  @IsOptional() @IsArray() receipt?: unknown[];
}
