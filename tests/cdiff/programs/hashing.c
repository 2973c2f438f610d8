/* Hash functions on strings: FNV-1a 32 and 64, djb2, CRC-32 with a table
 * built at run time, Adler-32, and a small open-addressing hash table. */
#include <stdio.h>
#include <string.h>

static unsigned crc_table[256];

static void crc_init(void)
{
    for (unsigned n = 0; n < 256; n++) {
        unsigned c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static unsigned crc32(const char *s, unsigned len)
{
    unsigned c = 0xffffffffu;
    for (unsigned i = 0; i < len; i++)
        c = crc_table[(c ^ (unsigned char)s[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static unsigned fnv32(const char *s)
{
    unsigned h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static unsigned long long fnv64(const char *s)
{
    unsigned long long h = 14695981039346656037ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

static unsigned djb2(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static unsigned adler32(const char *s, unsigned len)
{
    unsigned a = 1, b = 0;
    for (unsigned i = 0; i < len; i++) {
        a = (a + (unsigned char)s[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

static const char *slots[64];

static int put(const char *key)
{
    unsigned i = fnv32(key) & 63;
    int probes = 1;
    while (slots[i] && strcmp(slots[i], key) != 0) {
        i = (i + 1) & 63;
        probes++;
    }
    slots[i] = key;
    return probes;
}

int main(void)
{
    crc_init();
    const char *inputs[] = {"", "a", "abc", "message digest", "The quick brown fox jumps over the lazy dog",
                            "123456789", "\xff\xfe\xfd"};
    for (int i = 0; i < 7; i++) {
        const char *s = inputs[i];
        unsigned len = (unsigned)strlen(s);
        printf("%-12.12s crc=%08x fnv=%08x fnv64=%08x%08x djb2=%u adler=%08x\n", s, crc32(s, len), fnv32(s),
               (unsigned)(fnv64(s) >> 32), (unsigned)fnv64(s), djb2(s), adler32(s, len));
    }
    const char *keys[] = {"red", "green", "blue", "cyan", "magenta", "yellow", "black", "white", "red", "blue"};
    int total = 0;
    for (int i = 0; i < 10; i++)
        total += put(keys[i]);
    int used = 0;
    for (int i = 0; i < 64; i++)
        used += slots[i] != 0;
    printf("probes=%d used=%d\n", total, used);
    return 0;
}
