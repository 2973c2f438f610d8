/* Nested structs, arrays of structs, typedef chains, a union, an enum. */
#include <stdio.h>
#include <stdint.h>

typedef unsigned int uint;
typedef uint count_t;
typedef count_t counter_t;

enum shape { CIRCLE, SQUARE = 4, TRIANGLE };
typedef enum { OFF = -1, ON = 1 } switch_t;

struct point { int x, y; };
struct rect { struct point tl, br; const char *name; enum shape kind; };
typedef struct rect rect_t;
union word { uint32_t u; uint8_t b[4]; short h[2]; };

struct point origin = {0, 0};
rect_t boxes[3] = {{{1, 2}, {3, 4}, "first", SQUARE}, {{5, 6}, {7, 8}, "second", CIRCLE},
                   {{-1, -2}, {-3, -4}, 0, TRIANGLE}};
union word w = {.u = 0x11223344};
counter_t total = 4000000000u;
switch_t power = OFF;

static int area(const rect_t *r)
{
    int wd = r->br.x - r->tl.x;
    int ht = r->br.y - r->tl.y;
    return wd * ht;
}

static struct point middle(rect_t r)
{
    struct point m;
    m.x = (r.tl.x + r.br.x) / 2;
    m.y = (r.tl.y + r.br.y) / 2;
    return m;
}

int main(void)
{
    int sum = 0;
    struct point mid;
    for (int i = 0; i < 3; i++) {
        rect_t *b = &boxes[i];
        sum += area(b);
        mid = middle(*b);
        origin.x += mid.x;
    }
    w.b[0] = 0xff;
    power = ON;
    printf("%d %d %u\n", sum, origin.x, (unsigned)w.u);
    return 0;
}
