/* Division by zero with the exception unmasked in MXCSR: SIGFPE, FPE_FLTDIV. */
volatile double zero = 0.0;
volatile double one = 1.0;
volatile double sink;

int main(void)
{
    __builtin_ia32_ldmxcsr(__builtin_ia32_stmxcsr() & ~0x200u);   /* ZM: bit 9 */
    sink = one / zero;
    return 0;
}
