import { AppException } from '../common/app.exception.js';

/** Maps PostgreSQL errors caused by input to 4xx problems, in one place. Others stay 500. */
export function translatePgError(error: unknown): AppException | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown }; constraint?: unknown; detail?: unknown };
  const code = typeof candidate.code === 'string' ? candidate.code : candidate.driverError?.code;
  switch (code) {
    case '23505':
      return new AppException(409, 'db.unique_violation', { constraint: candidate.constraint });
    case '23503':
      return new AppException(422, 'db.foreign_key_violation', { constraint: candidate.constraint });
    case '40001':
    case '40P01':
      return new AppException(409, 'db.serialization_failure');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return new AppException(400, 'db.invalid_input');
    default:
      return undefined;
  }
}
