package io.crossmodal.search.internal.metrics;

import io.crossmodal.search.internal.shard.LiveShard;
import io.crossmodal.search.internal.shard.LocalShards;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far each local shard's watermark is behind its media partitions: every {@link #EVERY_SECONDS}
 * the media topics' end offsets are read and, per shard p, {@code Σ max(0, last offset of media
 * partition p − offset applied)} is exported as {@code crossmodal_search_watermark_lag_records}. 0
 * when every write is searchable; a dead-lettered last write counts until the next one.
 */
public final class WatermarkLag implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatermarkLag.class);
  static final int EVERY_SECONDS = 5;
  private final Admin admin;
  private final List<String> mediaTopics;
  private final LocalShards shards;
  private final SearchMetrics metrics;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "watermark-lag");
            t.setDaemon(true);
            return t;
          });

  public WatermarkLag(
      Map<String, Object> adminProperties,
      List<String> mediaTopics,
      LocalShards shards,
      SearchMetrics metrics) {
    this.admin = Admin.create(adminProperties);
    this.mediaTopics = mediaTopics;
    this.shards = shards;
    this.metrics = metrics;
  }

  public WatermarkLag start() {
    timer.scheduleWithFixedDelay(this::measure, 1, EVERY_SECONDS, TimeUnit.SECONDS);
    return this;
  }

  void measure() {
    try {
      List<Integer> mine = shards.partitions();
      Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
      for (String topic : mediaTopics) {
        mine.forEach(p -> wanted.put(new TopicPartition(topic, p), OffsetSpec.latest()));
      }
      var ends = admin.listOffsets(wanted).all().get(10, TimeUnit.SECONDS);
      for (int p : mine) {
        LiveShard shard = shards.get(p);
        if (shard == null) {
          continue;
        }
        long lag = 0;
        for (String topic : mediaTopics) {
          var end = ends.get(new TopicPartition(topic, p));
          if (end != null) {
            lag += Math.max(0, end.offset() - 1 - shard.watermark(topic + ":" + p));
          }
        }
        metrics.watermarkLag(p, lag);
      }
    } catch (Exception e) {
      LOG.debug("watermark lag not measured this time: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}
