/* 8 and 16-bit operations gcc emits directly on narrow registers and
 * memory: add/sub/and/or/xor WORD/BYTE PTR [mem], 16-bit rotates (rol ax),
 * __builtin_bswap16, high-byte registers (movzx eax, ah), narrow compares
 * (cmp BYTE PTR), inc/dec of bytes, and 16-bit multiplies. */
#include <stdio.h>

static volatile unsigned short w16[6] = {0, 1, 0x7fff, 0x8000, 0xfffe, 0x1234};
static volatile unsigned char b8[6] = {0, 1, 0x7f, 0x80, 0xfe, 0x5a};
static volatile short s16[3] = {-1, -300, 300};
static volatile signed char s8[3] = {-1, -100, 100};

struct packed { unsigned char tag; unsigned short len; unsigned char flags; } __attribute__((packed));
static struct packed pk = {7, 0x1234, 0x80};

__attribute__((noinline)) static unsigned short rol16(unsigned short x, int n)
{
    return (unsigned short)(x << n | x >> (16 - n));
}

__attribute__((noinline)) static unsigned hi_byte(unsigned x) { return (x >> 8) & 0xff; }

__attribute__((noinline)) static int cmp_bytes(const unsigned char *a, const signed char *b)
{
    return (a[0] < 0x80) + (b[0] < 0) * 2 + (a[1] == 0xfe) * 4;
}

int main(void)
{
    for (int k = 0; k < 6; k++) {
        w16[k] += 0x1001;
        w16[k] ^= 0x00ff;
        w16[k] -= 3;
        b8[k] += 0x81;
        b8[k] |= 0x10;
        b8[k]--;
        printf("w16[%d]=%04x b8[%d]=%02x rol3=%04x rol8=%04x bswap16=%04x hi=%02x\n", k, w16[k], k, b8[k],
               rol16(w16[k], 3), rol16(w16[k], 8), __builtin_bswap16(w16[k]), hi_byte(w16[k] * 0x10001u));
    }
    for (int k = 0; k < 3; k++) {
        short s = s16[k];
        signed char c = s8[k];
        printf("s16 %d: *7=%d /3=%d %%5=%d >>2=%d | s8 %d: *3=%d /7=%d >>1=%d\n", s, (short)(s * 7), s / 3, s % 5,
               s >> 2, c, (signed char)(c * 3), c / 7, c >> 1);
    }
    pk.len += 0x0102;
    pk.tag++;
    pk.flags >>= 3;
    printf("packed size %u tag %u len %04x flags %02x\n", (unsigned)sizeof pk, pk.tag, pk.len, pk.flags);
    unsigned char ua[2] = {0x10, 0xfe};
    signed char sa[1] = {-5};
    printf("cmp_bytes %d\n", cmp_bytes(ua, sa));
    unsigned short m = 1;
    for (int i = 0; i < 20; i++)
        m = (unsigned short)(m * 3 + 1);
    unsigned char c = 250;
    for (int i = 0; i < 10; i++)
        c++;
    printf("m=%u c=%u\n", m, c);
    return c;
}
