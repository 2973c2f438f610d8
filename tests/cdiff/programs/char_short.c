/* char and short arithmetic: sign and zero extension (movsx/movzx), integer
 * promotion, truncation on store, wrap-around of narrow types. */
#include <stdio.h>

static volatile signed char s8v[] = {0, 1, -1, 127, -128, 100, -100};
static volatile unsigned char u8v[] = {0, 1, 255, 128, 127, 200};
static volatile short s16v[] = {0, 1, -1, 32767, -32768, 1000, -1000};
static volatile unsigned short u16v[] = {0, 1, 65535, 32768, 40000};

int main(void)
{
    for (int i = 0; i < 7; i++) {
        signed char a = s8v[i];
        signed char inc = (signed char)(a + 1);
        unsigned char ua = (unsigned char)a;
        int promoted = a;
        printf("sc %d: +1=%d as uchar=%u promoted=%d <<1=%d >>1=%d x2 trunc=%d\n", a, inc, ua, promoted, a << 1,
               a >> 1, (signed char)(a * 2));
    }
    for (int i = 0; i < 6; i++) {
        unsigned char a = u8v[i];
        signed char s = (signed char)a;
        printf("uc %u: as schar=%d ~=%d ~trunc=%u neg=%d sum=%u\n", a, s, ~a, (unsigned char)~a, -a,
               (unsigned char)(a + u8v[(i + 1) % 6]));
    }
    for (int i = 0; i < 7; i++) {
        short a = s16v[i];
        printf("ss %d: +1=%d *3=%d as ushort=%u hi=%d lo=%d\n", a, (short)(a + 1), (short)(a * 3), (unsigned short)a,
               (signed char)(a >> 8), (signed char)a);
    }
    for (int i = 0; i < 5; i++) {
        unsigned short a = u16v[i];
        printf("us %u: as short=%d *2=%u sum=%u\n", a, (short)a, (unsigned short)(a * 2), a + u16v[(i + 2) % 5]);
    }
    char text[] = "Hello, World! 123";
    int up = 0, low = 0, dig = 0, csum = 0;
    for (char *p = text; *p; p++) {
        up += *p >= 'A' && *p <= 'Z';
        low += *p >= 'a' && *p <= 'z';
        dig += *p >= '0' && *p <= '9';
        csum = csum * 7 + *p;
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
        else if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + ('a' - 'A'));
    }
    printf("%s up=%d low=%d dig=%d csum=%d\n", text, up, low, dig, csum);
    signed char c = 120;
    for (int i = 0; i < 12; i++)
        c = (signed char)(c + 1);
    unsigned short w = 65530;
    for (int i = 0; i < 12; i++)
        w++;
    printf("wrapped c=%d w=%u\n", c, w);
    return (unsigned char)c;
}
