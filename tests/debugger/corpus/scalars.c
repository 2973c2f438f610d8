/* Every integer width and signedness, char types, bool, bit-fields, 64-bit values. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct flags { unsigned ready : 1; unsigned mode : 3; int delta : 4; unsigned char tag; };

unsigned char uc = 200;
signed char sc = -5;
uint8_t u8 = 250;
int16_t i16 = -300;
uint16_t u16 = 65000;
long long big = -1234567890123LL;
uint64_t ubig = 0x123456789abcdef0ULL;
bool enabled = true;
struct flags fl = {1, 5, -3, 'z'};
char letters[8] = "abc";

static uint64_t mix(uint64_t a, unsigned char b, bool neg)
{
    uint64_t r = a ^ (uint64_t)b << 40;
    if (neg)
        r = ~r;
    return r;
}

int main(void)
{
    unsigned char local_uc = 255;
    bool flag = false;
    long long acc = 0;
    for (int k = 0; k < 3; k++) {
        acc += (long long)k * 1000000000LL;
        fl.delta = (int)(fl.delta + k);
        flag = !flag;
    }
    ubig = mix(ubig, local_uc, flag);
    letters[3] = (char)uc;
    printf("%lld %d\n", acc, (int)fl.delta);
    return 0;
}
