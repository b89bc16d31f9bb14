package io.crossmodal.search.store;

import io.crossmodal.common.query.TopKCollector;

/**
 * The k-th largest of the values offered (−∞ until k were offered): a min-heap of k floats, for the
 * int8 prefilter's running bound. Not {@link TopKCollector}: it holds bare lower bounds, not items
 * with ids and tie order, and allocates nothing per offer. Not thread safe.
 */
final class KthLargest {
  private final float[] heap;
  private int size;

  KthLargest(int k) {
    heap = new float[k];
  }

  float value() {
    return size < heap.length ? Float.NEGATIVE_INFINITY : heap[0];
  }

  void offer(float x) {
    if (size < heap.length) {
      int i = size++;
      heap[i] = x;
      while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
        swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
      }
    } else if (x > heap[0]) {
      heap[0] = x;
      int i = 0;
      while (true) {
        int l = 2 * i + 1;
        int smallest = l < size && heap[l] < heap[i] ? l : i;
        if (l + 1 < size && heap[l + 1] < heap[smallest]) {
          smallest = l + 1;
        }
        if (smallest == i) {
          return;
        }
        swap(i, smallest);
        i = smallest;
      }
    }
  }

  private void swap(int a, int b) {
    float t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
  }
}
