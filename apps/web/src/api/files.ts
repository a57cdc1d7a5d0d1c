import { http } from './request';

/** What POST /files answers; a record's attachment field keeps {id, name, size, mime}. */
export interface UploadedFile {
  id: string;
  name: string;
  size: number;
  type: string;
  mime: string;
  sha256: string;
}

/** The API's limit (apps/api files.controller FILE_BODY_LIMIT); checked first to spare the upload. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export const filesApi = {
  upload(formKey: string, file: File): Promise<UploadedFile> {
    return http.upload('/files', file, { query: { form: formKey, name: file.name } });
  },
  download(id: string): Promise<Blob> {
    return http.download(`/files/${encodeURIComponent(id)}`);
  },
};
