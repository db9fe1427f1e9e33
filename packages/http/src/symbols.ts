/** Where the wrapper keeps the request's scope (private; shared by every copy of the package). */
export const kScope = Symbol.for('@zrm/http.scope');
