/* A bytecode interpreter: a dense opcode switch (jump table) in a loop,
 * an operand stack, calls and returns inside the bytecode. Computes
 * factorials and a sum of squares. */
#include <stdio.h>

enum { PUSH, POP, ADD, SUB, MUL, DUP, SWAP, JZ, JMP, CALL, RET, PRINT, HALT, OVER, DEC, LT };

static const int program[] = {
    /* 0: for n = 1..10: print fact(n) */
    PUSH, 1,
    /* 2: loop */ DUP, CALL, 20, PRINT, POP,
    /* 7 */ PUSH, 1, ADD, DUP, PUSH, 11, LT, JZ, 18, JMP, 2,
    /* 18 */ POP, HALT,
    /* 20: fact(n): n on the stack, n! replaces it */
    DUP, JZ, 31, DUP, DEC, CALL, 20, MUL, RET, HALT, HALT,
    /* 31 */ POP, PUSH, 1, RET,
    /* 35: 7 - 3, swapped, over */
    PUSH, 7, PUSH, 3, SUB, PUSH, 9, SWAP, OVER, PRINT, POP, SUB, PRINT, HALT,
};

int main(void)
{
    int stack[64], rstack[32];
    int sp = 0, rsp = 0, steps = 0;
    for (int pc = 0;;) {
        int op = program[pc++];
        steps++;
        switch (op) {
        case PUSH: stack[sp++] = program[pc++]; break;
        case POP: sp--; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case JZ: if (stack[--sp] == 0) pc = program[pc]; else pc++; break;
        case JMP: pc = program[pc]; break;
        case CALL: rstack[rsp++] = pc + 1; pc = program[pc]; break;
        case RET: pc = rstack[--rsp]; break;
        case PRINT: printf("%d\n", stack[sp - 1]); break;
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case DEC: stack[sp - 1]--; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case HALT:
            printf("halt after %d steps, depth %d\n", steps, sp);
            if (pc < 35) {
                pc = 35;
                break;
            }
            return steps % 256;
        default:
            printf("bad opcode %d at %d\n", op, pc - 1);
            return 99;
        }
    }
}
