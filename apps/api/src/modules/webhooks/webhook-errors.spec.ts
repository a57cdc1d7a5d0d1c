import { describe, expect, it } from 'vitest';
import { deliveryErrorMessage, legacyDeliveryError, networkError, refusedTargetError } from './webhook-errors.js';

const url = new URL('https://hooks.example.com:8443/in');

describe('webhook delivery errors', () => {
  it('classifies Node network errors by code and keeps the raw detail', () => {
    const refused = networkError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8443'), { code: 'ECONNREFUSED' }), url);
    expect(refused).toEqual({ code: 'connection_refused', params: { host: 'hooks.example.com', port: '8443' }, detail: 'ECONNREFUSED' });
    expect(networkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), url).code).toBe('dns_failed');
    expect(networkError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), url).code).toBe('tls_failed');
    expect(networkError(Object.assign(new Error('Port should be > 0'), { code: 'ERR_SOCKET_BAD_PORT' }), url)).toMatchObject({ code: 'bad_port', params: { port: '8443' } });
    expect(networkError(new TypeError('fetch failed', { cause: new Error('bad port') }), url)).toMatchObject({ code: 'network', detail: 'fetch failed' });
    expect(networkError(new Error('bad port'), url)).toMatchObject({ code: 'bad_port', detail: 'bad port' });
    expect(networkError(new Error('something odd'), url)).toMatchObject({ code: 'network', params: { host: 'hooks.example.com' }, detail: 'something odd' });
  });

  it('says each code in zh-CN and en, the address range too', () => {
    const e = refusedTargetError('127.0.0.1', 'loopback', 'refused: 127.0.0.1 is a loopback address');
    expect(deliveryErrorMessage(e.code, e.params, 'zh-CN')).toContain('目标地址 127.0.0.1 属于本机回环地址');
    expect(deliveryErrorMessage(e.code, e.params, 'en')).toContain('The target 127.0.0.1 is a loopback address');
    expect(deliveryErrorMessage('bad_port', { port: '0' }, 'zh-CN')).toBe('端口 0 无效，无法连接');
    expect(deliveryErrorMessage('http_status', { status: 404 }, 'en')).toBe('The receiver answered HTTP 404 (not 2xx)');
    expect(deliveryErrorMessage('no_such_code', {}, 'en')).toBe('A network error occurred while connecting to —');
  });

  it('reads codes back from the raw text of attempts logged before codes were stored', () => {
    expect(legacyDeliveryError('HTTP 503', null)).toEqual({ code: 'http_status', params: { status: 503 } });
    expect(legacyDeliveryError('timeout after 5000 ms', null)).toEqual({ code: 'timeout', params: { ms: 5000 } });
    expect(legacyDeliveryError('refused: hooks.partner.test (127.0.0.1) is a loopback address (set …)', null)).toEqual({
      code: 'refused_target',
      params: { address: 'hooks.partner.test (127.0.0.1)', reason: 'loopback' },
    });
    expect(legacyDeliveryError('webhook disabled', null)).toEqual({ code: 'webhook_disabled', params: {} });
    expect(legacyDeliveryError('ECONNREFUSED', 'http://10.1.2.3:9000/x')).toEqual({ code: 'connection_refused', params: { host: '10.1.2.3', port: '9000' } });
    expect(legacyDeliveryError('bad port', 'http://h.test:0/')).toMatchObject({ code: 'bad_port' });
  });
});
