// Hangar, inside the VM: the pool's trust policy against the job the runner got. Run by
// trust-check.sh with the runner's Node.js: node trust-check.js <trust-policy.json>.
// Reads GITHUB_REPOSITORY, GITHUB_EVENT_NAME and the event payload at GITHUB_EVENT_PATH; prints
// one ::error:: line and exits 1 to refuse, exits 0 to allow. Anything unreadable refuses.
'use strict';
const fs = require('fs');

function shown(value) {
  // Names reach the job log: keep them to the characters GitHub allows in names (and globs).
  return String(value).replace(/[^A-Za-z0-9._/*-]/g, '?').slice(0, 200);
}

function refuse(reason) {
  process.stdout.write('::error title=Hangar trust policy::job refused: ' + reason + '\n');
  process.exit(1);
}

function readJson(path, what) {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (e) {
    return refuse('cannot read ' + what);
  }
}

function list(value) {
  return Array.isArray(value) ? value.map(String) : [];
}

// owner/repo globs: * is any run of characters but '/', ? one character; case-insensitive. The
// orchestrator accepts only [A-Za-z0-9._-], '*' and '?' in patterns, and matches the same way.
function globMatches(glob, name) {
  const re = glob.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp('^' + re + '$', 'i').test(name);
}

function sameName(a, b) {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

const policy = readJson(process.argv[2], "the pool's trust policy");
const eventName = process.env.GITHUB_EVENT_NAME || '';
const eventPath = process.env.GITHUB_EVENT_PATH || '';
const event = eventPath ? readJson(eventPath, 'the event payload (GITHUB_EVENT_PATH)') : refuse('GITHUB_EVENT_PATH is not set');
const repository = process.env.GITHUB_REPOSITORY || (event.repository && event.repository.full_name) || '';
if (!/^[^/]+\/[^/]+$/.test(repository)) {
  refuse('the repository is unknown');
}
const owner = repository.split('/')[0];

const owners = list(policy.owners);
if (owners.length > 0 && !owners.some((o) => sameName(o, owner))) {
  refuse('owner ' + shown(owner) + ' is not allowed on these runners');
}
const denied = list(policy.denyRepositories).find((g) => globMatches(g, repository));
if (denied) {
  refuse('repository ' + shown(repository) + ' is denied on this pool (' + shown(denied) + ')');
}
const allowed = list(policy.repositories);
if (allowed.length > 0 && !allowed.some((g) => globMatches(g, repository))) {
  refuse('repository ' + shown(repository) + ' is not trusted by this pool');
}
const events = list(policy.events);
if (events.length > 0 && !events.includes(eventName)) {
  refuse('event ' + shown(eventName) + ' is not allowed on this pool (allowed: ' + events.map(shown).join(', ') + ')');
}
if (policy.allowForkPullRequests !== true) {
  const pr = event.pull_request;
  if (pr && typeof pr === 'object') {
    const head = pr.head && pr.head.repo;
    const base = (pr.base && pr.base.repo) || event.repository || {};
    if (!head || typeof head !== 'object') {
      refuse('the head repository of this pull request is gone (a deleted fork?)');
    }
    const baseName = base.full_name || repository;
    if (!sameName(head.full_name, baseName) || (head.id !== undefined && base.id !== undefined && head.id !== base.id)) {
      refuse('pull request from the fork ' + shown(head.full_name) + ' into ' + shown(baseName) + ': forks do not run on this pool');
    }
  }
  const run = event.workflow_run;
  if (run && typeof run === 'object' && run.head_repository) {
    if (!sameName(run.head_repository.full_name, repository)) {
      refuse('workflow_run of a run from ' + shown(run.head_repository.full_name) + ': forks do not run on this pool');
    }
  }
}
process.stdout.write('Hangar trust policy: ' + shown(repository) + ' on ' + shown(eventName) + ' allowed\n');
