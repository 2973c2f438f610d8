/* Structs passed and returned by value: small (8 bytes), odd-sized (3 and
 * 6 bytes), large (64 bytes, copied with rep movs at some levels), nested,
 * and struct assignment. On i386 SysV every struct comes back through a
 * hidden pointer argument that the callee pops with `ret 4`. */
#include <stdio.h>

struct pt { int x, y; };
struct rgb { unsigned char r, g, b; };
struct s6 { short a, b, c; };
struct big { int v[16]; };
struct line { struct pt a, b; char tag; };

__attribute__((noinline)) static struct pt padd(struct pt a, struct pt b)
{
    struct pt r = {a.x + b.x, a.y + b.y};
    return r;
}

__attribute__((noinline)) static struct rgb mix(struct rgb a, struct rgb b)
{
    struct rgb r = {(unsigned char)((a.r + b.r) / 2), (unsigned char)((a.g + b.g) / 2), (unsigned char)((a.b + b.b) / 2)};
    return r;
}

__attribute__((noinline)) static struct s6 s6neg(struct s6 s)
{
    s.a = (short)-s.a;
    s.b = (short)-s.b;
    s.c = (short)(s.c * 2);
    return s;
}

__attribute__((noinline)) static struct big bigscale(struct big b, int k)
{
    for (int i = 0; i < 16; i++)
        b.v[i] = b.v[i] * k + i;
    return b;
}

__attribute__((noinline)) static int bigsum(struct big b)
{
    int s = 0;
    for (int i = 0; i < 16; i++)
        s += b.v[i];
    return s;
}

__attribute__((noinline)) static struct line flip(struct line l)
{
    struct line r;
    r.a = l.b;
    r.b = l.a;
    r.tag = (char)(l.tag + 1);
    return r;
}

int main(void)
{
    struct pt p = {3, -4}, q = {10, 20};
    struct pt r = padd(p, q);
    printf("pt %d %d\n", r.x, r.y);
    for (int i = 0; i < 5; i++)
        r = padd(r, r);
    printf("pt %d %d\n", r.x, r.y);
    struct rgb c = mix((struct rgb){250, 10, 128}, (struct rgb){3, 255, 129});
    printf("rgb %u %u %u (size %u)\n", c.r, c.g, c.b, (unsigned)sizeof c);
    struct s6 s = s6neg((struct s6){1000, -32768, 12345});
    printf("s6 %d %d %d\n", s.a, s.b, s.c);
    struct big b;
    for (int i = 0; i < 16; i++)
        b.v[i] = i * i - 7;
    struct big b2 = bigscale(b, 3);
    struct big b3 = b2;
    b3.v[0] = 1000;
    printf("big %d %d %d %d\n", bigsum(b), bigsum(b2), bigsum(b3), b2.v[15]);
    struct line l = {{1, 2}, {3, 4}, 'x'};
    struct line m = flip(flip(flip(l)));
    printf("line (%d,%d)-(%d,%d) %c size %u\n", m.a.x, m.a.y, m.b.x, m.b.y, m.tag, (unsigned)sizeof m);
    struct pt arr[4];
    for (int i = 0; i < 4; i++)
        arr[i] = padd((struct pt){i, i * i}, p);
    for (int i = 0; i < 4; i++)
        printf("arr[%d] = {%d, %d}\n", i, arr[i].x, arr[i].y);
    return 0;
}
