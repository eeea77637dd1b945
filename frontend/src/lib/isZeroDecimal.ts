/** Whether a decimal string is zero ("0.00", "-0.00", "0"). */
export function isZeroDecimal(value: string | null | undefined): boolean {
  return !value || !/[1-9]/.test(value);
}
