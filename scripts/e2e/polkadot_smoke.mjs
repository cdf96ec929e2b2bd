// @polkadot/api smoke test: read a balance and send a transfer (run with node; modules in .e2e-node/).
//   node scripts/e2e/polkadot_smoke.mjs ws://127.0.0.1:9944
// Prints one JSON line of observations; tests/e2e/test_polkadot.py asserts on it.
import { createRequire } from "module";
import path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", ".e2e-node", "package.json"));
const { ApiPromise, WsProvider } = require("@polkadot/api");
const { Keyring } = require("@polkadot/keyring");

const url = process.argv[2];
const out = {};
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
try {
  out.chain = (await api.rpc.system.chain()).toString();
  out.specVersion = api.runtimeVersion.specVersion.toNumber();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  const alice = keyring.addFromUri("//Alice");
  const bob = keyring.addFromUri("//Bob");
  const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
  out.aliceFree = (await api.query.system.account(alice.address)).data.free.toString();
  const result = await new Promise((resolve, reject) => {
    let unsub;
    api.tx.balances.transferKeepAlive(bob.address, 1_000_000_000n)
      .signAndSend(alice, (r) => {
        if (r.status.isInBlock || r.status.isFinalized) {
          const names = r.events.map(({ event }) => `${event.section}.${event.method}`);
          if (unsub) unsub();
          resolve({ status: r.status.type, events: names, blockHash: r.status.isInBlock ? r.status.asInBlock.toHex() : r.status.asFinalized.toHex() });
        } else if (r.isError) {
          reject(new Error(`transfer failed: ${r.status.type}`));
        }
      }).then((u) => { unsub = u; }, reject);
  });
  out.transfer = result;
  const after = (await api.query.system.account(bob.address)).data.free.toBigInt();
  out.bobDelta = (after - before).toString();
  const header = await api.rpc.chain.getHeader();
  out.headNumber = header.number.toNumber();
  const block = await api.rpc.chain.getBlock(result.blockHash);
  out.blockExtrinsics = block.block.extrinsics.map((x) => `${x.method.section}.${x.method.method}`);
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await api.disconnect();
}
console.log(JSON.stringify(out));
