// The mockcvm dashboard: polls the control API and redraws. No build step, no dependencies.
"use strict";

const api = (path, body) =>
  fetch("/_mockcvm/" + path, body === undefined ? { cache: "no-store" } : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  }).then(async (answer) => {
    const data = await answer.json();
    if (!answer.ok) throw new Error(data.error || answer.statusText);
    return data;
  });

const seconds = (iso) => Date.parse(iso) / 1000;

function span(delta) {
  if (delta < 60) return Math.round(delta) + " s";
  if (delta < 3600) return Math.round(delta / 60) + " min";
  if (delta < 172800) return (delta / 3600).toFixed(1) + " h";
  return (delta / 86400).toFixed(1) + " d";
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined || text === "" ? "–" : String(text);
  if (className) td.className = className;
  return td;
}

function fill(id, rows, columns, empty) {
  const body = document.querySelector("#" + id + " tbody");
  body.textContent = "";
  if (!rows.length) {
    const td = body.insertRow().insertCell();
    td.colSpan = columns;
    td.className = "empty";
    td.textContent = empty;
    return body;
  }
  return body;
}

function drawAccounts(state) {
  const body = fill("accounts", state.accounts, 4, "no accounts");
  for (const account of state.accounts) {
    const row = body.insertRow();
    cell(row, account.uin, "mono");
    cell(row, account.balance, account.balance.startsWith("-") ? "error" : "");
    cell(row, account.in_arrears ? "since " + account.arrears_since : "no", account.in_arrears ? "error" : "");
    cell(row, account.instances.length);
  }
}

function drawInstances(state) {
  const instances = state.accounts.flatMap((account) => account.instances);
  const body = fill("instances", instances, 7, "no instances");
  for (const instance of instances) {
    const row = body.insertRow();
    cell(row, instance.InstanceId, "mono");
    cell(row, instance.InstanceName);
    cell(row, instance.Region);
    const shown = instance.SettlesTo && instance.SettlesTo !== instance.InstanceState
      ? instance.InstanceState + " → " + instance.SettlesTo : instance.InstanceState;
    cell(row, shown, "state-" + instance.InstanceState);
    cell(row, instance.InstanceChargeType);
    cell(row, instance.ReleasesAt, "mono");
    cell(row, instance.ReleasedBy);
  }
}

function drawUpcoming(state) {
  const now = seconds(state.now);
  const events = state.upcoming;
  const body = fill("upcoming", events, 3, "nothing scheduled");
  for (const event of events.slice(0, 30)) {
    const row = body.insertRow();
    cell(row, event.due, "mono");
    cell(row, span(seconds(event.due) - now));
    cell(row, event.event);
  }
  const line = document.getElementById("timeline");
  line.textContent = "";
  // the line spans the next 30 days at most (a square-root scale: the next minutes stay apart); later marks sit at its end
  const horizon = Math.min(30 * 86400, Math.max(3600, ...events.slice(0, 30).map((e) => seconds(e.due) - now)));
  for (const event of events.slice(0, 30)) {
    const mark = document.createElement("div");
    const kind = /release|destroy|timer|expir/i.test(event.event) ? " release"
      : /settlement|arrears/i.test(event.event) ? " money" : "";
    mark.className = "mark" + kind;
    mark.style.left = (100 * Math.min(1, Math.sqrt((seconds(event.due) - now) / horizon))) + "%";
    mark.title = event.due + "  " + event.event;
    line.appendChild(mark);
  }
  const label = document.createElement("span");
  label.className = "label";
  label.style.right = "0";
  label.textContent = "+" + span(horizon);
  line.appendChild(label);
}

function drawAddresses(state) {
  const idle = state.accounts.flatMap((account) => account.addresses).filter((address) => address.Idle);
  const body = fill("addresses", idle, 4, "no idle elastic IPs");
  for (const address of idle) {
    const row = body.insertRow();
    cell(row, address.AddressId, "mono");
    cell(row, address.AddressIp, "mono");
    cell(row, address.Region);
    cell(row, address.CostPerHour);
  }
}

function drawCalls(calls) {
  const latest = calls.slice().reverse();
  const body = fill("calls", latest, 5, "no calls yet");
  for (const call of latest) {
    const row = body.insertRow();
    cell(row, call.time, "mono");
    cell(row, call.service);
    cell(row, call.action);
    cell(row, call.region);
    cell(row, call.error || "ok", call.error ? "error" : "ok");
  }
}

let frozen = false;

async function refresh() {
  try {
    const [state, calls] = await Promise.all([api("state"), api("journal?limit=20")]);
    document.getElementById("now").textContent = state.now;
    frozen = state.frozen;
    const badge = document.getElementById("frozen");
    badge.textContent = frozen ? "frozen" : "flowing";
    badge.className = "badge" + (frozen ? " frozen" : "");
    document.getElementById("freeze").textContent = frozen ? "let it flow" : "freeze";
    drawAccounts(state);
    drawInstances(state);
    drawUpcoming(state);
    drawAddresses(state);
    drawCalls(calls);
    document.getElementById("status").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    document.getElementById("status").textContent = "cannot reach the server: " + error.message;
  }
}

for (const button of document.querySelectorAll("button[data-tick]")) {
  button.addEventListener("click", () => api("clock", { tick: Number(button.dataset.tick) }).then(refresh, alert));
}
document.getElementById("freeze").addEventListener("click", () => api("clock", { freeze: !frozen }).then(refresh, alert));

refresh();
setInterval(refresh, 1000);
