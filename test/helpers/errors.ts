/** The `code` of what `fn` throws, or undefined if it returns: for asserting error codes in one line. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}
