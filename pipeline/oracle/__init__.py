"""The image-model oracle: a simulated Docker engine (Docker 24-28, BuildKit, classic overlay2
store) that lesson scenarios run against. Self-contained: imports nothing from the rest of
`pipeline/`.

Engine core, the API the builder, the shell and the `docker` command code against:

- `digest`: `sha256_digest(data)`, `sha256_stream(chunks)`, `chain_ids(diff_ids)`,
  `chain_id(diff_ids)`, `short_id(id)`, `EMPTY_TAR_DIFF_ID`.
- `content.Content` (implements `fsapi.Content`): immutable lazy rope of bytes and zero runs.
  `Content.of(bytes|str)`, `Content.zeros(n)`, `Content.from_chunks(it)`, `.append(data)`,
  `.resized(n)`, `.replaced(offset, data)`, `.slice(a, b)`, `.size`, `.read()`, `.chunks()`,
  `.sha256()` (hex).
- `layer`: `Entry.file(content, mode=0o644, uid, gid, mtime)`, `Entry.dir(mode=0o755, ...)`,
  `Entry.symlink(target, ...)`, `entry.with_(mode=...)`, `entry.stat()`;
  `ChangeSet(entries={path: Entry}, whiteouts={path}, opaque={dir})` with `.add(path, entry)`,
  `.delete(path)`, `.make_opaque(dir)`, `.is_empty()`;
  `Layer(changeset)` / `Layer.from_changeset(cs)` / `Layer.empty()`:
  `.entries`, `.whiteouts`, `.opaque`, `.size` (content bytes, §4.3), `.diff_id`, `.digest`
  (gzip blob), `.blob_size`, `.tar_stream()`, `.tar_bytes()`, `.blob()`, `.descriptor()`.
- `filesystem`: `Tree()` (a writable layer) and
  `UnionFileSystem(lowers=[Layer...], upper=Tree(), clock=callable_epoch, read_only=False)`
  implementing `fsapi.FileSystem`, plus `.lookup(path)`, `.resolve(path, follow_last)`,
  `.entry(path)`, `.put(path, entry)` (place an Entry as is, e.g. COPY with owner and mtime),
  `.diff() -> ChangeSet`, `.changes() -> [("A"|"C"|"D", path)]`, `.upper_size()`.
  With no lowers it is the plain host file system of the build context. `read()` refuses to
  materialise more than 64 MiB (EFBIG): stream big files with `content(path).chunks()`.
- `image`: `HistoryEntry(created, created_by, comment, empty_layer, author)`;
  `ImageConfig(config={Docker keys}, history=(...), created, author, comment, architecture,
  os)` with `.with_config(Key=value|None)`, `.with_history(entry)`, `.with_(field=...)`,
  `.container_config()`, `ImageConfig.scratch()`, `.to_json(diff_ids)`, `ImageConfig.from_json`;
  `Image(config, layers)`: `.id`, `.short_id`, `.layers`, `.config`, `.diff_ids`, `.chain_ids`,
  `.size`, `.created`, `.config_bytes`, `.manifest()`, `.manifest_bytes()`,
  `.manifest_digest()`, `.rootfs()`, `.inspect(repo_tags, repo_digests, parent)`.
- `store.ImageStore` (`engine.images`): `.add(image, tags=[...], parent="", repo_digests=[...],
  record_tag_time=True)` (False for pull/load: no LastTagTime),
  `.get(ref_or_id) -> Image` (raises `ImageNotFound`, a `StoreError` with the daemon message),
  `.resolve(ref_or_id) -> id | None`, `.tag(image_or_ref, ref)`, `.untag(ref)`,
  `.repo_tags(id)`, `.repo_digests(id)`, `.parent(id)`, `.children(id)`, `.listed(all)`,
  `.dangling()`, `.inspect(ref)`, `.history(ref) -> [HistoryRow]`, `.remove(...)`, `.prune(...)`,
  `.layers` (ChainID -> Layer, stored once), `.layer_users()`.
- `container.Container`: `.id`, `.name`, `.image`, `.config`, `.fs` (what programs see, volumes
  mounted), `.rootfs` (the union), `.state`, `.exit_code`, `.size_rw`, `.size_root_fs`,
  `.changes()`, `.commit(message, author, changes, created=None)`;
  `find_executable(fs, argv0, env)`.
- `volume`: `VolumeStore` (`engine.volumes`), `Volume`, `Mount`, `MountedFileSystem`.
- `engine.Engine(runner=None)` / `Engine.with_catalogue(runner)`: `.images`, `.containers`,
  `.volumes`, `.build_cache` (a dict the builder owns), `.runner`, `.clock` (`.now()` RFC 3339,
  `.epoch()`, `.tick()`), `.ids` (`.next(kind)` 64-hex), `.container(name_or_id)`,
  `.create_container(image_ref, name=, cmd=, entrypoint=, env=, workdir=, user=, read_only=,
  volumes=[(name|None, dest, ro)], auto_remove=)`, `.start(c, detach=)`, `.run(image_ref, ...)`
  (a detached program stays "running" when the runner's Completed has `running = True`),
  `.exec(c, argv)`, `.stop(c)`, `.remove_container(c, force, volumes)`, `.commit(c, ref,
  message, author, changes)`, `.remove_image(ref, force)`, `.prune_images(all)`,
  `.remove_volume(name)`, `.prune_volumes()`, `.system_df()`, `.resolve_image(ref) -> Image |
  None` (a build's FROM: the store's, else pulled from `.registries` into the build cache only),
  `.fetch_image(ref) -> distribution.Fetched` (raises `PullError`).
- `process`: `Process`, `Completed(exit_code, stdout, stderr, running, output)`;
  `.chunks()` is both streams in the order they were written (`(1|2, bytes)` pairs).
- `catalogue`: the fixture base images (data in `catalogue/*.json`), `catalogue.install(store)`.
- `paths`: `join`, `normalise`, `basename`, `dirname` on plain strings.

Images leaving and entering the engine:

- `registry`: in-memory registries (`Registries`, `Registry`, `Repository`, `Blob`, `Manifest`),
  blobs stored once per host and linked into repositories.
- `distribution`: `docker push` / `docker pull` against `engine.registries`, with the daemon's
  per-layer blob metadata (which blob a DiffID became, where it was pushed or pulled).
- `layout`: `docker save` / `docker load` archives and the OCI image layout (`ImageArchive`,
  `save(store, names)`, `load(store, source)`, `read_tar`, `layer_from_tar`).

On top of the engine: `builder/` (Dockerfiles, the build cache, BuildKit's progress output),
`shell/` (the scenario shell: parser, interpreter, the programs of the catalogue's images),
`docker/` (the `docker` command and its formatters), `scenario` (transcripts: parse and run
them, compare output) and `world` (`new_world()`: a fresh host with `docker` on an engine that
holds only the catalogue).
"""

__version__ = "0.2.1"  # part of every scenario-cache key: bump when answers may change
