/** Injection tokens for the plain (framework-free) services the call flow uses. */
export const FINDER_LOOKUP = Symbol('FINDER_LOOKUP');
export const CALL_RECORDS = Symbol('CALL_RECORDS');
export const CHILD_NAME_VOICE = Symbol('CHILD_NAME_VOICE');
