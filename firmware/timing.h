/* The tag that starts every console line whose content or order depends on
 * when timer interrupts arrive.  mmuscope's SP804 counts retired
 * instructions and QEMU's runs on a clock, so such a line may differ
 * between the two machines (and between QEMU runs); every other line must
 * not, and the differential test (tests/guest/qemu_diff.py) compares them.
 * Shared by the kernel (fw.h) and the user programs (user/ulib.h). */
#ifndef MMUSCOPE_FIRMWARE_TIMING_H
#define MMUSCOPE_FIRMWARE_TIMING_H

#define TIMING_TAG "[timing] "

#endif
