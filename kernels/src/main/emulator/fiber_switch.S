// ember_fiber_switch(void** save_stack_pointer, void* next_stack_pointer)
// Saves the callee-saved registers on the current stack, stores the stack pointer in
// *save_stack_pointer, switches to next_stack_pointer and restores the registers saved there.
// ember_fiber_start is the first "return address" of a new fiber: it calls entry(argument), with
// entry and argument placed in callee-saved registers by scheduler.cpp's fiber set-up.
#if defined(__x86_64__)
        .text
        .globl  ember_fiber_switch
        .hidden ember_fiber_switch
        .type   ember_fiber_switch, @function
ember_fiber_switch:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   ember_fiber_switch, .-ember_fiber_switch

        .globl  ember_fiber_start
        .hidden ember_fiber_start
        .type   ember_fiber_start, @function
ember_fiber_start:
        // r12 = entry, r13 = argument (set up by the scheduler); the stack is 16-byte aligned here.
        movq    %r13, %rdi
        callq   *%r12
        ud2
        .size   ember_fiber_start, .-ember_fiber_start
#elif defined(__aarch64__)
        .text
        .globl  ember_fiber_switch
        .hidden ember_fiber_switch
        .type   ember_fiber_switch, %function
ember_fiber_switch:
        sub     sp, sp, #160
        stp     x19, x20, [sp, #0]
        stp     x21, x22, [sp, #16]
        stp     x23, x24, [sp, #32]
        stp     x25, x26, [sp, #48]
        stp     x27, x28, [sp, #64]
        stp     x29, x30, [sp, #80]
        stp     d8, d9, [sp, #96]
        stp     d10, d11, [sp, #112]
        stp     d12, d13, [sp, #128]
        stp     d14, d15, [sp, #144]
        mov     x2, sp
        str     x2, [x0]
        mov     sp, x1
        ldp     x19, x20, [sp, #0]
        ldp     x21, x22, [sp, #16]
        ldp     x23, x24, [sp, #32]
        ldp     x25, x26, [sp, #48]
        ldp     x27, x28, [sp, #64]
        ldp     x29, x30, [sp, #80]
        ldp     d8, d9, [sp, #96]
        ldp     d10, d11, [sp, #112]
        ldp     d12, d13, [sp, #128]
        ldp     d14, d15, [sp, #144]
        add     sp, sp, #160
        ret
        .size   ember_fiber_switch, .-ember_fiber_switch

        .globl  ember_fiber_start
        .hidden ember_fiber_start
        .type   ember_fiber_start, %function
ember_fiber_start:
        // x19 = entry, x20 = argument (set up by the scheduler).
        mov     x0, x20
        blr     x19
        brk     #0
        .size   ember_fiber_start, .-ember_fiber_start
#else
#error "the emulator's fibers support x86-64 and aarch64 only"
#endif
        .section .note.GNU-stack,"",%progbits
