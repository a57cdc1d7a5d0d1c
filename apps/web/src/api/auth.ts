import { http } from './request';

export interface CurrentUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  tenant: { id: string; name: string };
}

export interface LoginResult {
  accessToken: string;
  user?: CurrentUser;
}

export const authApi = {
  login(email: string, password: string): Promise<LoginResult> {
    return http.post<LoginResult>('/auth/login', { email, password }, { skipAuthRedirect: true });
  },
  me(signal?: AbortSignal): Promise<CurrentUser> {
    return http.get<CurrentUser>('/auth/me', { signal });
  },
};
