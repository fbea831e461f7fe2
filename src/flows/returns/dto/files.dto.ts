import { Allow } from 'class-validator';

// Media fields are checked by FlowMedia (shape, keys, count), not here: the DTO only lets them through.

/** PHOTOS screen: the PhotoPicker's files. */
export class PhotosDto {
  @Allow() photos?: unknown;
}

/** RECEIPT screen: the DocumentPicker's file, if any. */
export class ReceiptDto {
  @Allow() receipt?: unknown;
}
