#include "controller/curate/curate_schema.h"

namespace narrowscan {

namespace {

constexpr const char* kStep1 = R"sql(
CREATE TABLE curate_datasets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL);
CREATE TABLE curate_banners(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES curate_datasets(id) ON DELETE CASCADE,
  ip INTEGER NOT NULL, port INTEGER NOT NULL,
  service TEXT NOT NULL DEFAULT '',
  banner BLOB NOT NULL,
  tls_subject TEXT NOT NULL DEFAULT '', tls_issuer TEXT NOT NULL DEFAULT '',
  seen INTEGER NOT NULL DEFAULT 0);
CREATE INDEX curate_banners_ip ON curate_banners(dataset_id, ip);
CREATE TABLE curate_open_ports(
  dataset_id INTEGER NOT NULL REFERENCES curate_datasets(id) ON DELETE CASCADE,
  ip INTEGER NOT NULL, port INTEGER NOT NULL,
  PRIMARY KEY(dataset_id, ip, port)) WITHOUT ROWID;
CREATE TABLE curate_clusters(
  dataset_id INTEGER NOT NULL REFERENCES curate_datasets(id) ON DELETE CASCADE,
  key INTEGER NOT NULL,
  service TEXT NOT NULL,
  normalized BLOB NOT NULL,
  tls_subject TEXT NOT NULL, tls_issuer TEXT NOT NULL,
  ports TEXT NOT NULL,
  banner_count INTEGER NOT NULL, ip_count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  sample_banner_id INTEGER NOT NULL,
  iot_score REAL NOT NULL DEFAULT 0,
  PRIMARY KEY(dataset_id, key));
CREATE TABLE curate_cluster_members(
  dataset_id INTEGER NOT NULL, key INTEGER NOT NULL, banner_id INTEGER NOT NULL,
  PRIMARY KEY(dataset_id, key, banner_id)) WITHOUT ROWID;
CREATE TABLE curate_filter_counts(
  dataset_id INTEGER NOT NULL, rule TEXT NOT NULL, removed INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY(dataset_id, rule));
CREATE TABLE curate_runs(
  dataset_id INTEGER PRIMARY KEY REFERENCES curate_datasets(id) ON DELETE CASCADE,
  banners INTEGER NOT NULL, after_filter INTEGER NOT NULL, clusters INTEGER NOT NULL,
  rules TEXT NOT NULL, ran_at INTEGER NOT NULL,
  per_port TEXT NOT NULL DEFAULT '{}');
CREATE TABLE curate_decisions(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES curate_datasets(id) ON DELETE CASCADE,
  cluster_key INTEGER NOT NULL,
  action TEXT NOT NULL CHECK(action IN ('promote', 'skip')),
  who TEXT NOT NULL, decided_at INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT '',
  device_id TEXT, db_path TEXT,
  features TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX curate_one_promotion ON curate_decisions(dataset_id, cluster_key)
  WHERE action = 'promote';
)sql";

}  // namespace

Status MigrateCurateSchema(Store& store) { return store.Migrate("curate", {kStep1}); }

}  // namespace narrowscan
