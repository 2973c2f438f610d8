"""From source to a linked image: assemble, link, build a program.

``build_program(path)`` is what ``vmdebug run prog.s`` uses: it assembles the
file and, when the program calls symbols it does not define, links the
libc's shipped assembly (crt0 first) as well.  ``build_c_program(c, asm)``
does the same for gcc's assembly of a C file and attaches the C sources.

The linker function is ``vmdebug.toolchain.link.link(objects)`` (the name
``vmdebug.toolchain.link`` is the module, which ``vmdebug.program`` uses).
"""
from __future__ import annotations

from vmdebug.isa.assembler import AssemblyError, assemble_file, assemble_text
from vmdebug.isa.layout import Object
from vmdebug.toolchain.image import Image
from vmdebug.toolchain.link import (LinkError, build_c_program, build_program, libc_objects, link_program,
                                    needs_libc)
from vmdebug.toolchain.link import link as link_objects

__all__ = ["AssemblyError", "LinkError", "Image", "Object", "assemble_file", "assemble_text", "link_objects",
           "link_program", "build_program", "build_c_program", "libc_objects", "needs_libc"]
