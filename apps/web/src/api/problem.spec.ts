import { describe, expect, it } from 'vitest';
import { ApiError, errorsByField, toProblem } from './problem';

describe('toProblem', () => {
  it('reads a problem+json body', () => {
    const p = toProblem(400, 'Bad Request', {
      type: 'https://credo/errors/validation',
      title: '数据校验失败',
      status: 400,
      detail: '请检查输入',
      errors: [{ path: '/email', keyword: 'format', message: '邮箱格式不正确', params: { format: 'email' } }],
    });
    expect(p.detail).toBe('请检查输入');
    expect(errorsByField(p)).toEqual({ email: '邮箱格式不正确' });
  });

  it('survives bodies that are not problems (HTML from a proxy, nothing at all)', () => {
    expect(toProblem(502, 'Bad Gateway', '<html>')).toEqual({ type: 'about:blank', title: 'Bad Gateway', status: 502 });
    expect(toProblem(500, '', undefined).title).toBe('HTTP 500');
  });

  it('uses detail as the error message', () => {
    const e = new ApiError({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: '邮箱或密码错误' });
    expect(e.message).toBe('邮箱或密码错误');
    expect(e.isNetworkError).toBe(false);
  });
});
