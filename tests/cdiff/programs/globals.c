/* Globals in .data (initialised) and .bss (zero), const tables in .rodata,
 * pointers to globals stored in initialised data (relocations), static
 * locals keeping their value between calls.  Addresses of globals and
 * functions are printed: they must be where ld puts them. */
#include <stdio.h>
#include <string.h>

int counter = 5;
int table[8] = {1, 1, 2, 3, 5, 8, 13, 21};
char greeting[] = "hello, data";
int zeros[100];
static long long big_bss;
static char buffer[64];
const int squares[] = {0, 1, 4, 9, 16, 25, 36, 49};
const char *const names[] = {"zero", "one", "two", "three"};
int *const ptr_to_table = &table[3];
char *ptr_to_greeting = greeting + 7;
int main(void);
int (*main_ptr)(void) = main;

__attribute__((noinline)) static int next_id(void)
{
    static int id = 100;
    static int calls;
    calls++;
    return id++ * 1000 + calls;
}

__attribute__((noinline)) static void bump(void)
{
    counter += 3;
    for (int i = 0; i < 8; i++)
        table[i] *= 2;
    zeros[counter] = counter;
    big_bss += 0x100000001LL;
}

int main(void)
{
    int nz = 0;
    for (int i = 0; i < 100; i++)
        nz += zeros[i] != 0;
    printf("counter=%d nz=%d big=%lld buffer[0]=%d\n", counter, nz, big_bss, buffer[0]);
    bump();
    bump();
    printf("counter=%d zeros[8]=%d zeros[11]=%d big=%llx\n", counter, zeros[8], zeros[11], big_bss);
    for (int i = 0; i < 8; i++)
        printf("%d:%d/%d ", i, table[i], squares[i]);
    printf("\n*ptr_to_table=%d ptr_to_greeting=%s names[2]=%s\n", *ptr_to_table, ptr_to_greeting, names[2]);
    strcpy(buffer, greeting);
    greeting[0] = 'J';
    printf("%s | %s\n", buffer, greeting);
    for (int i = 0; i < 4; i++)
        printf("id %d\n", next_id());
    printf("&counter=%p table=%p zeros=%p buffer=%p\n", (void *)&counter, (void *)table, (void *)zeros, (void *)buffer);
    printf("squares=%p names=%p main=%p main_ptr ok=%d\n", (void *)squares, (void *)names, (void *)main,
           main_ptr == main);
    return counter;
}
