const Real = globalThis.Function; const srcs = [];
globalThis.Function = new Proxy(Real, { construct(t, a) { srcs.push(a[a.length - 1]); return Reflect.construct(t, a); } });
const { compileFormOrThrow } = await import('@credo/form-engine');
const { loadTemplate } = await import('@credo/seeds');
const form = compileFormOrThrow(loadTemplate('customer'));
globalThis.Function = Real;
const s = srcs.find(x => x.includes('x-fast-fields'));
console.log(s);
