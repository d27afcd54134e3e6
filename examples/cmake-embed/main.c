/* Runs the digits BNN of examples/digits on one 8x8 image and prints the predicted class.
 * digits.h and digits.o come from bnnc_add_model() in CMakeLists.txt. */
#include <stdio.h>

#include "digits.h"

#define PIXELS 64
#define CLASSES 10

/* The first held-out image of examples/digits (test_inputs.npy[0], label 2), as scikit-learn's
 * 0..16 gray levels. */
static const unsigned char image[PIXELS] = {
    0, 0, 11, 16, 15, 3,  0,  0, /**/ 0, 5, 16, 12, 11, 13, 0,  0, /**/
    0, 3, 13, 1,  5,  15, 0,  0, /**/ 0, 0, 0,  0,  12, 11, 0,  0, /**/
    0, 0, 0,  1,  16, 7,  0,  0, /**/ 0, 0, 0,  10, 15, 0,  0,  0, /**/
    0, 0, 12, 16, 16, 11, 1,  0, /**/ 0, 0, 13, 13, 8,  13, 16, 8,
};

/* digits.onnx was exported with a fixed batch (DIGITS_INPUT0_SIZE / 64 images); the image goes
 * into the first slot. The model's buffers are the caller's: static here. */
static float input[DIGITS_INPUT0_SIZE];
static float logits[DIGITS_OUTPUT0_SIZE];

int main(void) {
  for (int i = 0; i < PIXELS; ++i)
    input[i] = (float)image[i] / 16.0f;
  digits(input, logits);
  int best = 0;
  for (int c = 1; c < CLASSES; ++c)
    if (logits[c] > logits[best])
      best = c;
  printf("predicted class: %d\n", best);
  return 0;
}
