"""Live events: a published generation told to every open dashboard of the workspaces it changed.

`changes` computes what a sync changed per workspace, `events` shapes the frames, `publish`
sends them through a shared (Redis) channel layer, `watcher` does it inside the ASGI process
when the layer is in-memory, and `consumers` and `streams` serve them over a WebSocket and as
Server-Sent Events. The contract: README "Live updates".
"""
