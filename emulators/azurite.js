#!/usr/bin/env node
// Azurite (the version pinned in package.json), started with one patch for long local runs.
//
// Azurite keeps every queue message's and blob's bytes as an "extent" and sweeps the unreferenced ones
// every minute. Its sweep deletes them one by one from a LokiJS collection with a binary index on `id`,
// and each single delete re-splices that index: O(deleted × all extents). After a few thousand queue
// messages (a bench night: ~2,500 messages per landed file) the sweep holds Azurite's only thread for
// minutes, requests time out and pop receipts expire. The patch deletes the same extents in one batch
// (one pass over the collection, index rebuilt lazily): same result, linear time.
"use strict";

const MemoryExtentStore = require("azurite/dist/src/common/persistence/MemoryExtentStore").default;

const deleteOneByOne = MemoryExtentStore.prototype.deleteExtents;
MemoryExtentStore.prototype.deleteExtents = async function deleteExtents(extents) {
  const metadata = this.metadataStore;
  const collection =
    metadata && metadata.db && typeof metadata.db.getCollection === "function"
      ? metadata.db.getCollection(metadata.EXTENTS_COLLECTION)
      : null;
  if (!collection) return deleteOneByOne.call(this, extents); // not the Loki metadata store: keep Azurite's way

  const ids = new Set(extents);
  for (const id of ids) this.chunks.delete(this.categoryName, id);
  collection.chain().where(extent => ids.has(extent.id)).remove();
  return ids.size;
};

// Azurite's own command line (reads process.argv as if started directly).
require("azurite/dist/src/azurite.js");
