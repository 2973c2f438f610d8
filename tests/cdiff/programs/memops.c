/* Memory operations gcc may inline as rep movs / rep stos: struct copies,
 * array clears, memcpy/memset of constant sizes; overlapping memmove;
 * unaligned accesses through char pointers; memcmp ordering. */
#include <stdio.h>
#include <string.h>

struct blob { int a[37]; char tail[3]; };

static struct blob g1, g2;

__attribute__((noinline)) static unsigned checksum(const void *p, unsigned n)
{
    const unsigned char *b = p;
    unsigned s = 0;
    for (unsigned i = 0; i < n; i++)
        s = s * 131 + b[i];
    return s;
}

int main(void)
{
    for (int i = 0; i < 37; i++)
        g1.a[i] = i * 0x01010101;
    g1.tail[0] = 'x'; g1.tail[1] = 'y'; g1.tail[2] = 'z';
    g2 = g1;
    struct blob local = g2;
    local.a[36] = -1;
    printf("copy %08x %08x %08x eq %d\n", checksum(&g1, sizeof g1), checksum(&g2, sizeof g2),
           checksum(&local, sizeof local), memcmp(&g1, &g2, sizeof g1) == 0);
    int zeros[50];
    memset(zeros, 0, sizeof zeros);
    char pattern[77];
    memset(pattern, 0x5a, sizeof pattern);
    printf("memset %08x %08x\n", checksum(zeros, sizeof zeros), checksum(pattern, sizeof pattern));
    char buf[100];
    for (int i = 0; i < 100; i++)
        buf[i] = (char)i;
    memmove(buf + 1, buf, 50);
    memmove(buf + 60, buf + 61, 30);
    memcpy(buf + 3, "ABCDEFG", 7);
    printf("memmove %08x %d %d %d %d\n", checksum(buf, 100), buf[0], buf[1], buf[51], buf[89]);
    unsigned char raw[16];
    for (int i = 0; i < 16; i++)
        raw[i] = (unsigned char)(0x10 + i);
    unsigned w1, w2;
    unsigned short h;
    memcpy(&w1, raw + 1, 4);
    memcpy(&w2, raw + 7, 4);
    memcpy(&h, raw + 3, 2);
    printf("unaligned %08x %08x %04x\n", w1, w2, h);
    unsigned v = 0x11223344;
    unsigned char *bytes = (unsigned char *)&v;
    printf("little endian %02x %02x %02x %02x\n", bytes[0], bytes[1], bytes[2], bytes[3]);
    struct blob arr[3] = {0};
    arr[1] = g1;
    arr[2].a[5] = 9;
    printf("array of structs %08x\n", checksum(arr, sizeof arr));
    return 0;
}
