package io.crossmodal.search.internal.http;

import io.crossmodal.common.http.HttpError;
import io.crossmodal.search.internal.query.PeerClient;
import io.crossmodal.search.internal.query.ShardOwners;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * {@code GET /v1/media/…} for an item another instance serves: asks that instance (503 when it does
 * not answer).
 */
public final class MediaForwarder implements SearchApi.MediaOwner {
  private final ShardOwners directory;
  private final PeerClient peers;

  public MediaForwarder(ShardOwners directory, PeerClient peers) {
    this.directory = directory;
    this.peers = peers;
  }

  @Override
  public Optional<HttpResponse<byte[]>> forward(String id, String path) throws Exception {
    ShardOwners.Owner owner = directory.ownerOf(id);
    if (owner.local()) {
      return Optional.empty();
    }
    if (owner.hostPort() == null) {
      // The shard has no active instance right now (a rebalance): the item may well exist.
      throw new HttpError(
          503, "the shard holding '" + id + "' is moving between instances; retry shortly");
    }
    try {
      return Optional.of(peers.get(owner.hostPort(), path));
    } catch (IOException e) {
      throw new HttpError(
          503, "the instance serving '" + id + "' (" + owner.hostPort() + ") did not answer: " + e);
    }
  }
}
