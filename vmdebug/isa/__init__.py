"""The IA-32 instruction set: one table driving encoder, decoder and disassembler."""
