/* Unions for type punning, bit-fields (signed and unsigned, packed into
 * one word), enums, and sizeof/offsetof of padded structs. */
#include <stdio.h>
#include <stddef.h>

union word { unsigned u; int i; unsigned short h[2]; unsigned char b[4]; };

struct flags {
    unsigned ready : 1;
    unsigned mode : 3;
    signed level : 4;
    unsigned count : 12;
    signed delta : 6;
    unsigned rest : 6;
};

struct padded { char c; int i; short s; char d; long long ll; };

enum color { RED, GREEN = 5, BLUE, ALPHA = -2 };

int main(void)
{
    union word w;
    w.u = 0xdeadbeef;
    printf("u=%08x i=%d h=%04x,%04x b=%02x%02x%02x%02x\n", w.u, w.i, w.h[0], w.h[1], w.b[0], w.b[1], w.b[2], w.b[3]);
    w.b[3] = 0x7f;
    printf("after byte store: %08x %d\n", w.u, w.i);
    struct flags f = {0};
    printf("sizeof flags %u\n", (unsigned)sizeof f);
    for (int k = 0; k < 10; k++) {
        f.ready = !f.ready;
        f.mode = f.mode + 3;
        f.level = f.level - 3;
        f.count = f.count + 1000;
        f.delta = f.delta + 11;
        f.rest = (unsigned)k * 9;
        union { struct flags f; unsigned u; } pun = {f};
        printf("ready=%u mode=%u level=%d count=%u delta=%d rest=%u raw=%08x\n", f.ready, f.mode, f.level, f.count,
               f.delta, f.rest, pun.u);
    }
    printf("padded size %u: c@%u i@%u s@%u d@%u ll@%u\n", (unsigned)sizeof(struct padded),
           (unsigned)offsetof(struct padded, c), (unsigned)offsetof(struct padded, i),
           (unsigned)offsetof(struct padded, s), (unsigned)offsetof(struct padded, d),
           (unsigned)offsetof(struct padded, ll));
    enum color c = BLUE;
    printf("enum %d %d %d %d size %u\n", RED, GREEN, c, ALPHA, (unsigned)sizeof c);
    return c;
}
