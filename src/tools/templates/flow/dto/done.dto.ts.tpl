import { IsBoolean } from 'class-validator';

/** What the RESULT screen sends. */
export class DoneDto {
  @IsBoolean()
  done: boolean;
}
