/* wc on stdin: lines, words, bytes, letter frequencies and the longest
 * word, read one character at a time with getchar(). */
//@ stdin: "The quick brown fox\njumps over the lazy dog.\n\n  Pack my box with five dozen liquor jugs!\nend"
#include <stdio.h>
#include <ctype.h>

int main(void)
{
    int c, lines = 0, words = 0, bytes = 0, inword = 0, len = 0, best = 0;
    int freq[26] = {0};
    char word[64], longest[64] = "";
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n')
            lines++;
        if (isalpha(c))
            freq[tolower(c) - 'a']++;
        if (isspace(c)) {
            if (inword && len > best) {
                best = len;
                word[len] = 0;
                for (int i = 0; i <= len; i++)
                    longest[i] = word[i];
            }
            inword = 0;
            len = 0;
        } else {
            if (!inword)
                words++;
            inword = 1;
            if (len < 63)
                word[len++] = (char)c;
        }
    }
    printf("%d %d %d longest=\"%s\"\n", lines, words, bytes, longest);
    for (int i = 0; i < 26; i++)
        if (freq[i])
            printf("%c%d ", 'a' + i, freq[i]);
    printf("\n");
    return words;
}
