/** The implementation contract: types, checker and loader (docs/contracts.md). */
export * from './types.js';
export { checkImplShape, smokeCheck } from './check.js';
export { checkImpl, loadImpl, loadedImpl, resolveImplUrl } from './load-impl.js';
