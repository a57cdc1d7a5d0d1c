import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** argon2id password hashes (prebuilt native module; no node-gyp). */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  dummyHash(): Promise<string> {
    this.dummy ??= hash('credo-dummy-password');
    return this.dummy;
  }

  hash(password: string): Promise<string> {
    return hash(password);
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await verify(hashed, password);
    } catch {
      return false;
    }
  }
}
