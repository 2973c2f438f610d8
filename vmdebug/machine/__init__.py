"""The simulated i386 process: CPU, MMU and a small Linux kernel that decide events."""
