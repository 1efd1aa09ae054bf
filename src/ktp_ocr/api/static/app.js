// ktp-ocr try-it page: posts a photo to this service and shows what the reader saw.
// Plain script, no build step, no third-party code. Nothing is stored in the browser: the
// API key and the last answer live in this tab's memory only, and go only to this service.
"use strict";

(function () {
  const ENDPOINT = "ocr-ktp?include=card_image"; // relative: works under a path prefix too
  const LOW = 0.8; // below: low confidence (the CLI flags the same)
  const HIGH = 0.9;

  // Card order; label = the card's own words, gloss = English.
  const FIELDS = [
    ["provinsi", "Provinsi", "Province"],
    ["kabupaten_kota", "Kabupaten/Kota", "Regency/City"],
    ["nik", "NIK", "ID number"],
    ["nama", "Nama", "Name"],
    ["tempat_lahir", "Tempat Lahir", "Place of birth"],
    ["tanggal_lahir", "Tgl Lahir", "Date of birth"],
    ["jenis_kelamin", "Jenis Kelamin", "Sex"],
    ["golongan_darah", "Gol. Darah", "Blood type"],
    ["alamat", "Alamat", "Address"],
    ["rt_rw", "RT/RW", "Neighbourhood"],
    ["kelurahan_desa", "Kel/Desa", "Village"],
    ["kecamatan", "Kecamatan", "District"],
    ["agama", "Agama", "Religion"],
    ["status_perkawinan", "Status Perkawinan", "Marital status"],
    ["pekerjaan", "Pekerjaan", "Occupation"],
    ["kewarganegaraan", "Kewarga\u00adnegaraan", "Citizenship"],
    ["berlaku_hingga", "Berlaku Hingga", "Valid until"],
    ["tempat_terbit", "Tempat Terbit", "Place of issue"],
    ["tanggal_terbit", "Tgl Terbit", "Date of issue"],
  ];
  const FIELD_INFO = Object.fromEntries(FIELDS.map((f) => [f[0], { card: f[1], en: f[2] }]));

  const T = {
    en: {
      tagline: "Try the KTP reader",
      dropTitle: "Drop a photo of a KTP here",
      dropSub: "JPEG, PNG or WebP, straight from the phone's camera. You can also paste one.",
      choose: "Choose a photo",
      camera: "Take a photo",
      keyLabel: "API key",
      keyPlaceholder: "Paste the key you were given",
      keyHint: "Sent as X-API-Key with each photo; kept only in this tab's memory.",
      privacy: "The photo goes only to this service, which reads it and keeps nothing. This page stores nothing in the browser.",
      reading: "Reading the card…",
      promise1: "The card, flattened, with a box around every field the reader found",
      promise2: "Every field with its confidence; doubtful ones stand out",
      promise3: "What the NIK says, whether the card agrees with it, and the matched regions",
      cardCaption: "The card as the reader saw it: flattened and upright, with a box around every field it read. Point at a box or a row to pair them.",
      legendHigh: "confident",
      legendMid: "unsure",
      legendLow: "low confidence",
      noCardImage: "The service did not return the card image.",
      fieldsTitle: "Fields",
      colField: "Field",
      colValue: "Value",
      colConfidence: "Confidence",
      nikTitle: "What the NIK says",
      checksTitle: "Checks",
      regionsTitle: "Matched regions",
      qualityTitle: "Photo quality",
      timingTitle: "Time taken",
      jsonTitle: "JSON response",
      copyJson: "Copy JSON",
      copied: "Copied",
      copyFailed: "Copy failed: select the text below",
      showJson: "Show the response",
      footer: "This page calls POST /ocr-ktp?include=card_image on this service.",
      apiDocs: "API docs",
      notRead: "not read",
      readAs: "read as",
      low: "low",
      score: "Score",
      fieldsRead: (n, total) => `${n} of ${total} fields read`,
      lowCount: (n) => (n === 1 ? "1 low-confidence field" : `${n} low-confidence fields`),
      checksPassed: (p, n) => `${p} of ${n} checks agree`,
      checksFailed: (n) => (n === 1 ? "1 check disagrees" : `${n} checks disagree`),
      took: (s) => `answered in ${s.toFixed(1)} s`,
      cached: "from cache",
      degraded: (d) => `Read without: ${d}. Region names may be missing.`,
      nikParts: ["Prov", "Kab/Kota", "Kec", "Lahir", "Urut"],
      nikPartsHelp: ["province", "regency/city", "district", "birth date (women: day + 40)", "serial"],
      valid: "Valid",
      yes: "yes",
      no: "no",
      birthDate: "Birth date",
      sex: "Sex",
      province: "Province",
      regency: "Regency/City",
      district: "District",
      postalCode: "Postal code",
      serial: "Serial",
      historic: "A region code in this NIK has since changed (regions split or were renamed).",
      noNik: "No NIK was read.",
      nikIssues: "Problems",
      agrees: "agrees",
      disagrees: "disagrees",
      undecided: "cannot tell",
      level: "Level",
      printed: "Printed",
      matched: "Matched",
      code: "Code",
      postal: "Postal code",
      nikAgrees: "NIK",
      ambiguous: "ambiguous",
      historicShort: "old code",
      noRegions: "No place names could be matched (or the region database is off).",
      levels: { provinsi: "Province", kabupaten_kota: "Regency/City", kecamatan: "District", kelurahan_desa: "Village" },
      qualityOk: "No problems found with the photo.",
      severity: { reject: "refused", warning: "warning" },
      server: "Service",
      roundTrip: "Round trip, with the upload",
      serverTotal: "Reading in the service",
      ms: "ms",
      retryIn: (s, at) => `You can try again in ${s} s (at ${at}).`,
      retryNow: "You can try again now.",
      code_: "code",
      requestId: "request id",
    },
    id: {
      tagline: "Coba pembaca KTP",
      dropTitle: "Letakkan foto KTP di sini",
      dropSub: "JPEG, PNG atau WebP, langsung dari kamera ponsel. Bisa juga ditempel (paste).",
      choose: "Pilih foto",
      camera: "Ambil foto",
      keyLabel: "Kunci API",
      keyPlaceholder: "Tempel kunci yang Anda terima",
      keyHint: "Dikirim sebagai X-API-Key bersama setiap foto; hanya disimpan di memori tab ini.",
      privacy: "Foto hanya dikirim ke layanan ini, yang membacanya tanpa menyimpan apa pun. Halaman ini tidak menyimpan apa pun di peramban.",
      reading: "Membaca kartu…",
      promise1: "Kartu yang diratakan, dengan kotak di setiap isian yang ditemukan",
      promise2: "Setiap isian beserta tingkat keyakinannya; yang meragukan ditandai",
      promise3: "Isi NIK, kesesuaiannya dengan kartu, dan wilayah yang cocok",
      cardCaption: "Kartu seperti yang dilihat pembaca: diratakan dan tegak, dengan kotak di setiap isian yang dibaca. Tunjuk kotak atau baris untuk memasangkannya.",
      legendHigh: "yakin",
      legendMid: "kurang yakin",
      legendLow: "keyakinan rendah",
      noCardImage: "Layanan tidak mengirim gambar kartu.",
      fieldsTitle: "Isian",
      colField: "Isian",
      colValue: "Nilai",
      colConfidence: "Keyakinan",
      nikTitle: "Isi NIK",
      checksTitle: "Pemeriksaan",
      regionsTitle: "Wilayah yang cocok",
      qualityTitle: "Kualitas foto",
      timingTitle: "Waktu",
      jsonTitle: "Respons JSON",
      copyJson: "Salin JSON",
      copied: "Tersalin",
      copyFailed: "Gagal menyalin: pilih teks di bawah",
      showJson: "Tampilkan respons",
      footer: "Halaman ini memanggil POST /ocr-ktp?include=card_image pada layanan ini.",
      apiDocs: "Dokumentasi API",
      notRead: "tidak terbaca",
      readAs: "terbaca",
      low: "rendah",
      score: "Skor",
      fieldsRead: (n, total) => `${n} dari ${total} isian terbaca`,
      lowCount: (n) => `${n} isian berkeyakinan rendah`,
      checksPassed: (p, n) => `${p} dari ${n} pemeriksaan sesuai`,
      checksFailed: (n) => `${n} pemeriksaan tidak sesuai`,
      took: (s) => `dijawab dalam ${s.toFixed(1).replace(".", ",")} detik`,
      cached: "dari cache",
      degraded: (d) => `Dibaca tanpa: ${d}. Nama wilayah mungkin kosong.`,
      nikParts: ["Prov", "Kab/Kota", "Kec", "Lahir", "Urut"],
      nikPartsHelp: ["provinsi", "kabupaten/kota", "kecamatan", "tanggal lahir (perempuan: tanggal + 40)", "nomor urut"],
      valid: "Sah",
      yes: "ya",
      no: "tidak",
      birthDate: "Tanggal lahir",
      sex: "Jenis kelamin",
      province: "Provinsi",
      regency: "Kabupaten/Kota",
      district: "Kecamatan",
      postalCode: "Kode pos",
      serial: "Nomor urut",
      historic: "Kode wilayah dalam NIK ini sudah berubah (wilayah dimekarkan atau berganti nama).",
      noNik: "NIK tidak terbaca.",
      nikIssues: "Masalah",
      agrees: "sesuai",
      disagrees: "tidak sesuai",
      undecided: "tidak dapat dinilai",
      level: "Tingkat",
      printed: "Tercetak",
      matched: "Cocok dengan",
      code: "Kode",
      postal: "Kode pos",
      nikAgrees: "NIK",
      ambiguous: "ambigu",
      historicShort: "kode lama",
      noRegions: "Tidak ada nama tempat yang cocok (atau basis data wilayah mati).",
      levels: { provinsi: "Provinsi", kabupaten_kota: "Kabupaten/Kota", kecamatan: "Kecamatan", kelurahan_desa: "Kel/Desa" },
      qualityOk: "Tidak ada masalah pada foto.",
      severity: { reject: "ditolak", warning: "peringatan" },
      server: "Layanan",
      roundTrip: "Total, termasuk unggah",
      serverTotal: "Pembacaan di layanan",
      ms: "ms",
      retryIn: (s, at) => `Anda dapat mencoba lagi dalam ${s} detik (pukul ${at}).`,
      retryNow: "Anda dapat mencoba lagi sekarang.",
      code_: "kode",
      requestId: "id permintaan",
    },
  };

  const CHECKS = {
    nik_valid: ["The NIK is well-formed", "NIK berformat benar"],
    nik_birthdate_match: ["Birth date agrees with the NIK", "Tanggal lahir sesuai NIK"],
    nik_sex_match: ["Sex agrees with the NIK", "Jenis kelamin sesuai NIK"],
    nik_province_match: ["Province agrees with the NIK", "Provinsi sesuai NIK"],
    nik_regency_match: ["Regency/city agrees with the NIK", "Kabupaten/kota sesuai NIK"],
    nik_district_match: ["District agrees with the NIK", "Kecamatan sesuai NIK"],
    region_hierarchy: ["The printed regions fit together", "Wilayah tercetak saling sesuai"],
    birth_date_not_future: ["Birth date is not in the future", "Tanggal lahir tidak di masa depan"],
    age_plausible: ["Age is plausible", "Usia masuk akal"],
    issue_date_not_future: ["Issue date is not in the future", "Tanggal terbit tidak di masa depan"],
    issue_date_after_birth: ["Issued after birth", "Terbit setelah tanggal lahir"],
    validity_after_birth: ["Valid-until date is after birth", "Berlaku hingga setelah tanggal lahir"],
    validity_after_issue: ["Valid-until date is after issue", "Berlaku hingga setelah tanggal terbit"],
  };

  const QUALITY = {
    card_too_small: ["The card is small in the photo: move closer.", "Kartu terlalu kecil di foto: dekatkan kamera."],
    low_resolution: ["The photo's resolution is low: send the original photo.", "Resolusi foto rendah: kirim foto aslinya."],
    too_dark: ["The photo is dark: take it in better light.", "Foto terlalu gelap: ambil di tempat yang lebih terang."],
    too_blurred: ["The photo is blurred: hold the phone still and tap to focus.", "Foto buram: tahan ponsel dan ketuk layar untuk fokus."],
    glare: ["Light reflects off the card: tilt it a little or switch off the flash.", "Ada pantulan cahaya di kartu: miringkan sedikit atau matikan lampu kilat."],
  };

  // Errors: [English, Indonesian]; {s} = seconds, {at} = clock time, {rid} = request id.
  const ERRORS = {
    missing_file: ["No photo arrived: choose a photo and try again.", "Foto tidak terkirim: pilih foto lalu coba lagi."],
    empty_file: ["The file is empty: choose the photo again.", "Berkas kosong: pilih foto lagi."],
    bad_multipart: ["The upload was garbled: try again.", "Unggahan rusak: coba lagi."],
    upload_incomplete: ["The upload was cut off: try again.", "Unggahan terputus: coba lagi."],
    upload_timeout: ["The upload took too long: check the connection and try again.", "Unggahan terlalu lama: periksa koneksi lalu coba lagi."],
    unauthorized: ["This service needs an API key: paste it in the API key box and try again.", "Layanan ini memerlukan kunci API: tempel di kotak Kunci API lalu coba lagi."],
    file_too_large: ["The photo is too large for this service: send a smaller one (the camera's normal photo, not a RAW or panorama).", "Foto terlalu besar untuk layanan ini: kirim yang lebih kecil (foto biasa dari kamera, bukan RAW atau panorama)."],
    file_too_large_here: ["The photo is {size} and this service takes at most {max}: send a smaller one (the camera's normal photo, not a RAW or panorama).", "Foto berukuran {size}, sedangkan layanan ini menerima paling besar {max}: kirim yang lebih kecil (foto biasa dari kamera, bukan RAW atau panorama)."],
    too_many_pixels: ["The photo has too many pixels: send a smaller one.", "Jumlah piksel foto terlalu banyak: kirim yang lebih kecil."],
    not_an_image: ["That file is not a photo: choose a JPEG, PNG or WebP picture of the card.", "Berkas itu bukan foto: pilih gambar kartu berformat JPEG, PNG atau WebP."],
    unsupported_format: ["That image format is not accepted: send the photo as JPEG or PNG.", "Format gambar itu tidak diterima: kirim foto sebagai JPEG atau PNG."],
    heic_not_supported: ["HEIC photos are not accepted: send it as JPEG (iPhone: Settings > Camera > Formats > Most Compatible).", "Foto HEIC tidak diterima: kirim sebagai JPEG (iPhone: Pengaturan > Kamera > Format > Paling Kompatibel)."],
    file_too_small: ["The file is too small to be a camera photo: send the original photo, not a thumbnail or screenshot.", "Berkas terlalu kecil untuk foto kamera: kirim foto aslinya, bukan gambar mini atau tangkapan layar."],
    truncated_image: ["The photo is damaged or cut off: send it again.", "Foto rusak atau terpotong: kirim ulang."],
    no_card: ["No card was found in the photo: photograph the whole card, flat, filling most of the frame.", "Kartu tidak ditemukan di foto: foto seluruh kartu, rata, memenuhi sebagian besar bingkai."],
    not_ktp: ["There is text in the photo, but not a KTP: photograph the front of an Indonesian identity card.", "Ada tulisan di foto, tetapi bukan KTP: foto bagian depan KTP."],
    card_too_small: ["The card is too small in the photo: move closer so it fills most of the frame.", "Kartu terlalu kecil di foto: dekatkan kamera sampai kartu memenuhi sebagian besar bingkai."],
    low_resolution: ["The photo's resolution is too low: send the original photo, not a compressed copy.", "Resolusi foto terlalu rendah: kirim foto aslinya, bukan salinan yang dikompres."],
    too_dark: ["The photo is too dark to read: take it again in good light.", "Foto terlalu gelap untuk dibaca: ambil lagi di tempat yang terang."],
    too_blurred: ["The photo is too blurred to read: hold the phone still and tap the card on the screen to focus.", "Foto terlalu buram untuk dibaca: tahan ponsel dan ketuk kartu di layar untuk fokus."],
    glare: ["Light reflects off the card over the text: tilt the card or the phone a little, or switch off the flash.", "Pantulan cahaya menutupi tulisan: miringkan kartu atau ponsel sedikit, atau matikan lampu kilat."],
    rate_limited: ["Too many photos in a short time: wait before sending the next one.", "Terlalu banyak foto dalam waktu singkat: tunggu sebelum mengirim foto berikutnya."],
    server_busy: ["The service is busy reading other cards: wait a moment and send the photo again.", "Layanan sedang sibuk membaca kartu lain: tunggu sebentar lalu kirim ulang foto."],
    engine_unavailable: ["The service's OCR engine is not available: tell whoever runs the service.", "Mesin OCR layanan tidak tersedia: beri tahu pengelola layanan."],
    region_store_unavailable: ["The service's region database is not available: tell whoever runs the service.", "Basis data wilayah layanan tidak tersedia: beri tahu pengelola layanan."],
    internal_error: ["Something went wrong in the service: try again, and quote request id {rid} if it happens again.", "Terjadi kesalahan di layanan: coba lagi, dan sebutkan id permintaan {rid} jika terulang."],
    invalid_request: ["The service did not understand the request: reload the page and try again.", "Layanan tidak memahami permintaan: muat ulang halaman lalu coba lagi."],
    network: ["Could not reach the service: check the connection and try again.", "Layanan tidak dapat dihubungi: periksa koneksi lalu coba lagi."],
    bad_answer: ["The service gave an unexpected answer (HTTP {status}): try again later.", "Layanan memberi jawaban tak terduga (HTTP {status}): coba lagi nanti."],
    status_413: ["The photo is too large for this service: send a smaller one.", "Foto terlalu besar untuk layanan ini: kirim yang lebih kecil."],
    status_415: ["That file is not a photo the service accepts: choose a JPEG, PNG or WebP picture.", "Berkas itu bukan foto yang diterima: pilih gambar JPEG, PNG atau WebP."],
    status_422: ["The card could not be read from this photo: take it again, flat, in good light, filling the frame.", "Kartu tidak dapat dibaca dari foto ini: foto lagi, rata, terang, memenuhi bingkai."],
    status_5xx: ["The service had a problem (HTTP {status}): try again later.", "Layanan mengalami masalah (HTTP {status}): coba lagi nanti."],
    status_4xx: ["The service refused the photo (HTTP {status}).", "Layanan menolak foto (HTTP {status})."],
  };

  // ---------------------------------------------------------------- state (memory only)
  let lang = (navigator.language || "en").toLowerCase().startsWith("id") ? "id" : "en";
  let last = null; // {body, text, roundTrip}
  let lastError = null; // {status, body, retryAt}
  let inflight = null;
  let retryTimer = null;
  let pinned = null;

  const $ = (id) => document.getElementById(id);
  const t = (key) => T[lang][key];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }

  function fill(template, vars) {
    return template.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined ? "" : String(vars[k])));
  }

  function clockTime(date) {
    return date.toLocaleTimeString(lang === "id" ? "id-ID" : "en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // ---------------------------------------------------------------- language
  function applyLanguage() {
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    if (last) renderResult();
    if (lastError) renderError();
  }

  // ---------------------------------------------------------------- upload
  function show(id, on) {
    $(id).hidden = !on;
  }

  function megabytes(n) {
    return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
  }

  async function send(file) {
    if (!file) return;
    const max = Number(document.documentElement.dataset.maxBytes);
    if (max > 0 && file.size > max) {
      // Refused here, not after a long upload: the service would answer 413 anyway.
      show("result", false);
      last = null;
      fail({ status: 413, body: { code: "file_too_large" }, size: file.size, max });
      return;
    }
    if (inflight) inflight.abort();
    const controller = new AbortController();
    inflight = controller;
    clearRetry();
    lastError = null;
    last = null;
    pinned = null;
    show("error", false);
    show("result", false);
    show("status", true);
    $("upload").classList.add("busy");
    const form = new FormData();
    form.append("image", file, file.name || "photo");
    const headers = {};
    const key = $("api-key").value.trim();
    if (key) headers["X-API-Key"] = key;
    const started = performance.now();
    let response;
    let text;
    try {
      response = await fetch(ENDPOINT, {
        method: "POST", body: form, headers, cache: "no-store",
        credentials: "same-origin", referrerPolicy: "no-referrer", signal: controller.signal,
      });
      text = await response.text();
    } catch (err) {
      if (controller.signal.aborted) return;
      finish(controller);
      fail({ status: 0, body: { code: "network" } });
      return;
    }
    if (inflight !== controller) return;
    finish(controller);
    let body = null;
    try {
      body = JSON.parse(text);
    } catch (err) {
      body = null;
    }
    if (!response.ok || !body || !body.fields) {
      fail({ status: response.status, body: body || { code: "bad_answer" }, retryAfter: response.headers.get("Retry-After") });
      return;
    }
    last = { body, text, roundTrip: performance.now() - started };
    pinned = null;
    show("result", true);
    $("upload").classList.add("compact");
    renderResult();
    $("result").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function finish(controller) {
    if (inflight === controller) inflight = null;
    show("status", false);
    $("upload").classList.remove("busy");
  }

  // ---------------------------------------------------------------- errors
  function retrySeconds(value) {
    if (!value) return null;
    const n = Number(value);
    if (Number.isFinite(n)) return Math.max(1, Math.ceil(n));
    const when = Date.parse(value);
    return Number.isNaN(when) ? null : Math.max(1, Math.ceil((when - Date.now()) / 1000));
  }

  function fail(error) {
    const seconds = retrySeconds(error.retryAfter);
    error.retryAt = seconds === null ? null : new Date(Date.now() + seconds * 1000);
    lastError = error;
    if ((error.body || {}).code === "unauthorized") {
      show("key-box", true);
      $("api-key").focus();
    }
    renderError();
    $("error").scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  function errorSentence(error) {
    const body = error.body || {};
    const status = error.status;
    const i = lang === "id" ? 1 : 0;
    let entry = ERRORS[body.code];
    if (!entry) {
      if (status === 413) entry = ERRORS.status_413;
      else if (status === 415) entry = ERRORS.status_415;
      else if (status === 422 && body.detail) entry = null;
      else if (status === 422) entry = ERRORS.status_422;
      else if (status === 429) entry = ERRORS.rate_limited;
      else if (status >= 500) entry = ERRORS.status_5xx;
      else entry = ERRORS.status_4xx;
    }
    const seconds = error.retryAt ? Math.max(0, Math.ceil((error.retryAt - Date.now()) / 1000)) : "";
    const vars = { status, s: seconds, rid: body.request_id || "?" };
    if (error.size && body.code === "file_too_large") entry = ERRORS.file_too_large_here;
    if (error.size) Object.assign(vars, { size: megabytes(error.size), max: megabytes(error.max) });
    if (!entry) return body.detail; // an unknown quality code: the service's own sentence
    return fill(entry[i], vars);
  }

  function renderError() {
    const error = lastError;
    if (!error) return;
    const body = error.body || {};
    $("error-text").textContent = errorSentence(error);
    const meta = [];
    const serverText = body.detail || (body.message && body.message !== "IMAGE_INVALID" ? body.message : null);
    const specific = [413, 422].includes(error.status) || !ERRORS[body.code];
    if (serverText && specific && lang === "en" && serverText !== $("error-text").textContent) meta.push(serverText);
    const tech = [];
    if (error.status) tech.push(`HTTP ${error.status}`);
    if (body.code && ERRORS[body.code] !== ERRORS.network) tech.push(`${t("code_")} ${body.code}`);
    if (body.request_id) tech.push(`${t("requestId")} ${body.request_id}`);
    if (tech.length) meta.push(tech.join(" · "));
    $("error-meta").textContent = meta.join(" — ");
    show("error", true);
    tickRetry();
  }

  function tickRetry() {
    clearRetry();
    const error = lastError;
    if (!error || !error.retryAt) {
      show("error-retry", false);
      return;
    }
    const left = Math.ceil((error.retryAt - Date.now()) / 1000);
    $("error-retry").textContent = left > 0 ? t("retryIn")(left, clockTime(error.retryAt)) : t("retryNow");
    $("error-retry").classList.toggle("ready", left <= 0);
    show("error-retry", true);
    if (left > 0) retryTimer = setTimeout(tickRetry, 1000);
  }

  function clearRetry() {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  // ---------------------------------------------------------------- result
  function level(f) {
    if (!f || f.value === null || f.value === undefined) return "none";
    if (f.confidence < LOW) return "low";
    // "confident" is the service's own verdict (`sure`: no issue, confidence 0.9 or more, no
    // quality verdict on the value or the whole card)
    if (typeof f.sure === "boolean") return f.sure ? "high" : "mid";
    return f.confidence < HIGH ? "mid" : "high";
  }

  function fieldOrder(fields) {
    const known = FIELDS.map((f) => f[0]);
    const extra = Object.keys(fields).filter((k) => !known.includes(k));
    return known.concat(extra);
  }

  function squash(s) {
    return String(s || "").toUpperCase().replace(/\s+/g, " ").trim();
  }

  function renderResult() {
    const { body } = last;
    renderSummary(body);
    renderCard(body);
    renderFields(body);
    renderNik(body);
    renderChecks(body);
    renderRegions(body);
    renderQuality(body);
    renderTimings(body);
    renderJson();
    if (pinned) highlight(pinned, true);
  }

  function renderSummary(body) {
    const names = fieldOrder(body.fields);
    const read = names.filter((n) => body.fields[n] && body.fields[n].value !== null).length;
    const low = names.filter((n) => level(body.fields[n]) === "low").length;
    const decided = body.checks.filter((c) => c.passed !== null);
    const failed = decided.filter((c) => c.passed === false).length;
    const node = $("summary");
    node.replaceChildren();
    const scoreClass = body.score >= 90 ? "good" : body.score >= 70 ? "fair" : "poor";
    node.append(
      el("div", { class: `score ${scoreClass}` }, el("span", { class: "score-num", text: Math.round(body.score) }), el("span", { class: "score-label", text: `${t("score")} / 100` })),
      el("div", { class: "who" },
        el("div", { class: "who-name", text: (body.dataOcrKtp && body.dataOcrKtp.name) || "—" }),
        el("div", { class: "who-nik mono", text: (body.dataOcrKtp && body.dataOcrKtp.nik) || t("noNik") })),
      el("ul", { class: "facts" },
        el("li", { text: t("fieldsRead")(read, names.length) }),
        low ? el("li", { class: "warn", text: t("lowCount")(low) }) : null,
        el("li", { class: failed ? "bad" : "", text: failed ? t("checksFailed")(failed) : t("checksPassed")(decided.length, body.checks.length) }),
        el("li", { text: t("took")(last.roundTrip / 1000) }),
        body.cached ? el("li", { text: t("cached") }) : null),
    );
    if (body.degraded && body.degraded.length) node.append(el("p", { class: "degraded", text: t("degraded")(body.degraded.join(", ")) }));
  }

  function renderCard(body) {
    const img = $("card-img");
    const boxes = $("boxes");
    boxes.replaceChildren();
    show("card-view", Boolean(body.card_image));
    show("no-card-image", !body.card_image);
    if (!body.card_image) return;
    img.alt = lang === "id" ? "Kartu yang sudah diratakan" : "The flattened card";
    const draw = () => {
      const w = img.naturalWidth;
      const h = img.naturalHeight;
      boxes.setAttribute("viewBox", `0 0 ${w} ${h}`);
      boxes.setAttribute("preserveAspectRatio", "none");
      boxes.replaceChildren();
      const groups = new Map();
      for (const name of fieldOrder(body.fields)) {
        const f = body.fields[name];
        if (!f || !f.box) continue;
        const key = f.box.map((v) => v.toFixed(1)).join(",");
        if (!groups.has(key)) groups.set(key, { box: f.box, names: [], lvl: "high" });
        const g = groups.get(key);
        g.names.push(name);
        const order = ["none", "low", "mid", "high"];
        if (order.indexOf(level(f)) < order.indexOf(g.lvl)) g.lvl = level(f);
      }
      const pad = Math.max(2, w / 300);
      for (const g of groups.values()) {
        const [x0, y0, x1, y1] = g.box;
        const rect = svg("rect", {
          class: `box lvl-${g.lvl}`, "data-fields": g.names.join(" "),
          x: x0 - pad, y: y0 - pad, width: x1 - x0 + 2 * pad, height: y1 - y0 + 2 * pad, rx: pad,
        });
        const title = svg("title", {});
        title.textContent = g.names.map(label).join(" · ");
        rect.append(title);
        boxes.append(rect);
      }
      if (pinned) highlight(pinned, true);
    };
    if (img.getAttribute("src") === body.card_image && img.complete && img.naturalWidth) draw();
    else {
      img.onload = draw;
      img.src = body.card_image;
    }
  }

  function label(name) {
    const info = FIELD_INFO[name];
    return info ? info.card : name;
  }

  function confidenceCell(f, lvl) {
    if (!f || lvl === "none") return el("td", { class: "num conf conf-none", text: "—" });
    const pct = Math.round(f.confidence * 100);
    const meter = el("span", { class: "meter", "aria-hidden": "true" }, el("span", { class: "meter-fill" }));
    meter.firstChild.style.width = `${pct}%`;
    return el("td", { class: `num conf conf-${lvl}` },
      el("span", { class: "pct", text: `${pct}%` }),
      lvl === "low" ? el("span", { class: "badge", text: t("low") }) : null,
      meter);
  }

  function renderFields(body) {
    const tbody = $("fields-body");
    tbody.replaceChildren();
    for (const name of fieldOrder(body.fields)) {
      const f = body.fields[name];
      const lvl = level(f);
      const info = FIELD_INFO[name];
      const head = el("th", { scope: "row" }, el("span", { class: "lbl", text: info ? info.card : name }),
        lang === "en" && info ? el("span", { class: "gloss", text: info.en }) : null);
      const valueCell = el("td", { class: "val" });
      if (lvl === "none") valueCell.append(el("span", { class: "missing", text: t("notRead") }));
      else valueCell.append(el("span", { class: name === "nik" ? "v mono" : "v", text: f.value }));
      if (f && f.raw && squash(f.raw) !== squash(f.value)) {
        valueCell.append(el("span", { class: "raw" }, `${t("readAs")}: `, el("q", { class: "mono", text: f.raw })));
      }
      if (f && f.issues && f.issues.length) {
        valueCell.append(el("span", { class: "issues" }, ...f.issues.map((c) => el("code", { class: "chip", text: c }))));
      }
      const row = el("tr", { class: `lvl-${lvl}`, "data-field": name, tabindex: f && f.box ? "0" : null }, head, valueCell, confidenceCell(f, lvl));
      tbody.append(row);
    }
  }

  function dl(rows) {
    const list = el("dl", { class: "kv" });
    for (const [k, v, cls] of rows) {
      if (v === null || v === undefined || v === "") continue;
      list.append(el("dt", { text: k }), el("dd", { class: cls || null }, v));
    }
    return list;
  }

  function withCode(name, code) {
    if (!name && !code) return null;
    return el("span", {}, name || "—", code ? el("span", { class: "code mono", text: code }) : null);
  }

  function renderNik(body) {
    const out = $("nik-body");
    out.replaceChildren();
    const nik = body.nik;
    const text = body.dataOcrKtp && body.dataOcrKtp.nik;
    if (!nik || !text) {
      out.append(el("p", { class: "muted", text: t("noNik") }));
      return;
    }
    const parts = [text.slice(0, 2), text.slice(2, 4), text.slice(4, 6), text.slice(6, 12), text.slice(12)];
    out.append(el("div", { class: "nik-parts", role: "img", "aria-label": text },
      ...parts.map((p, i) => el("span", { class: "part", title: t("nikPartsHelp")[i] },
        el("span", { class: "digits mono", text: p }), el("span", { class: "cap", text: t("nikParts")[i] })))));
    const parser = body.dataNikParser || {};
    out.append(dl([
      [t("valid"), nik.valid ? `✓ ${t("yes")}` : `✗ ${t("no")}`, nik.valid ? "ok" : "bad"],
      [t("birthDate"), nik.birth_date],
      [t("sex"), nik.sex],
      [t("province"), withCode(parser.province, nik.province_code)],
      [t("regency"), withCode(parser.city, nik.regency_code)],
      [t("district"), withCode(parser.district, nik.district_code)],
      [t("postalCode"), parser.zipCode, "mono"],
      [t("serial"), nik.serial, "mono"],
      [t("nikIssues"), nik.issues && nik.issues.length ? nik.issues.join(", ") : null, "bad"],
    ]));
    if (nik.historic) out.append(el("p", { class: "note", text: t("historic") }));
  }

  function renderChecks(body) {
    const list = $("checks");
    list.replaceChildren();
    const i = lang === "id" ? 1 : 0;
    for (const c of body.checks) {
      const state = c.passed === true ? "pass" : c.passed === false ? `fail ${c.severity}` : "unknown";
      const mark = c.passed === true ? "✓" : c.passed === false ? "✗" : "?";
      const word = c.passed === true ? t("agrees") : c.passed === false ? t("disagrees") : t("undecided");
      const name = CHECKS[c.code] ? CHECKS[c.code][i] : c.code;
      list.append(el("li", { class: `check ${state}`, "data-code": c.code, title: c.message },
        el("span", { class: "mark", "aria-hidden": "true", text: mark }),
        el("span", { class: "check-text" }, el("span", { class: "check-name", text: name }),
          lang === "en" ? el("span", { class: "check-msg", text: c.message }) : null),
        el("span", { class: "check-word", text: word })));
    }
  }

  function renderRegions(body) {
    const table = $("regions");
    table.replaceChildren();
    if (!body.regions.length) {
      table.append(el("caption", { class: "muted", text: t("noRegions") }));
      return;
    }
    table.append(el("thead", {}, el("tr", {},
      ...[t("level"), t("printed"), t("matched"), t("code"), t("postal"), t("nikAgrees")].map((h) => el("th", { scope: "col", text: h })))));
    const tbody = el("tbody");
    for (const r of body.regions) {
      const agree = r.agrees_with_nik === true ? ["✓", "ok"] : r.agrees_with_nik === false ? ["✗", "bad"] : ["—", "muted"];
      const flags = [];
      if (r.ambiguous) flags.push(el("span", { class: "chip", text: t("ambiguous") }));
      if (r.historic) flags.push(el("span", { class: "chip", text: t("historicShort") }));
      if (r.score < 100) flags.push(el("span", { class: "chip", text: `${Math.round(r.score)}%` }));
      tbody.append(el("tr", {},
        el("td", { class: "r-level", text: t("levels")[r.level] || r.level }),
        el("td", { class: "r-printed mono small", "data-label": t("printed"), text: r.query }),
        el("td", { class: "r-matched" }, r.name || "—", r.kind ? el("span", { class: "kind", text: ` ${r.kind}` }) : null, ...flags),
        el("td", { class: "r-code mono", "data-label": t("code"), text: r.code || "—" }),
        el("td", { class: "r-postal mono", "data-label": t("postal"), text: r.postal_code || "—" }),
        el("td", { class: `r-nik ${agree[1]}`, "data-label": t("nikAgrees"), text: agree[0] })));
    }
    table.append(tbody);
  }

  function renderQuality(body) {
    const list = $("quality");
    list.replaceChildren();
    if (!body.quality.length) {
      list.append(el("li", { class: "q ok" }, el("span", { class: "mark", text: "✓" }), el("span", { text: t("qualityOk") })));
      return;
    }
    for (const q of body.quality) {
      const text = lang === "id" && QUALITY[q.code] ? QUALITY[q.code][1] : q.message;
      list.append(el("li", { class: `q ${q.severity}` },
        el("span", { class: "mark", text: "!" }),
        el("span", {}, text, el("span", { class: "sev", text: ` ${t("severity")[q.severity] || q.severity} · ${q.code}` }))));
    }
  }

  function renderTimings(body) {
    const out = $("timings");
    out.replaceChildren();
    const stages = Object.entries(body.timings_ms || {});
    const total = stages.reduce((a, [, v]) => a + v, 0);
    out.append(dl([
      [t("roundTrip"), `${Math.round(last.roundTrip)} ${t("ms")}`, "mono"],
      [t("serverTotal"), `${Math.round(total)} ${t("ms")}`, "mono"],
    ]));
    const bars = el("div", { class: "bars" });
    for (const [name, ms] of stages) {
      const bar = el("span", { class: "bar-fill" });
      bar.style.width = `${total ? Math.max(1, (ms / total) * 100) : 0}%`;
      bars.append(el("div", { class: "bar-row" }, el("span", { class: "bar-name", text: name }),
        el("span", { class: "bar" }, bar), el("span", { class: "bar-ms mono", text: ms.toFixed(ms < 10 ? 1 : 0) })));
    }
    out.append(bars);
    out.append(el("p", { class: "muted small", text: `${body.engine} · ${t("requestId")} ${body.request_id || "—"}` }));
  }

  function renderJson() {
    const shown = { ...last.body };
    if (shown.card_image) shown.card_image = `${shown.card_image.slice(0, 40)}… (${Math.round(shown.card_image.length / 1024)} KB)`;
    $("json").textContent = JSON.stringify(shown, null, 2);
  }

  // ---------------------------------------------------------------- linking boxes and rows
  function highlight(names, on) {
    const set = new Set(names);
    for (const rect of document.querySelectorAll("#boxes rect")) {
      const hit = rect.dataset.fields.split(" ").some((n) => set.has(n));
      rect.classList.toggle("hl", on && hit);
    }
    for (const row of document.querySelectorAll("#fields-body tr")) row.classList.toggle("hl", on && set.has(row.dataset.field));
    if (on && names.length) {
      const rect = document.querySelector("#boxes rect.hl");
      if (rect) rect.parentNode.append(rect); // draw on top
    }
  }

  function restore() {
    highlight(pinned || [], Boolean(pinned));
  }

  function bindLinks() {
    const tbody = $("fields-body");
    const boxes = $("boxes");
    const rowOf = (e) => e.target.closest("tr[data-field]");
    tbody.addEventListener("mouseover", (e) => { const r = rowOf(e); if (r) highlight([r.dataset.field], true); });
    tbody.addEventListener("mouseleave", restore);
    tbody.addEventListener("focusin", (e) => { const r = rowOf(e); if (r) highlight([r.dataset.field], true); });
    tbody.addEventListener("focusout", restore);
    tbody.addEventListener("click", (e) => {
      const r = rowOf(e);
      if (!r) return;
      pinned = pinned && pinned.length === 1 && pinned[0] === r.dataset.field ? null : [r.dataset.field];
      restore();
    });
    boxes.addEventListener("mouseover", (e) => { if (e.target.dataset.fields) highlight(e.target.dataset.fields.split(" "), true); });
    boxes.addEventListener("mouseleave", restore);
    boxes.addEventListener("click", (e) => {
      if (!e.target.dataset.fields) return;
      const names = e.target.dataset.fields.split(" ");
      pinned = names;
      restore();
      const row = document.querySelector(`#fields-body tr[data-field="${names[0]}"]`);
      if (row && window.matchMedia("(min-width: 900px)").matches) row.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
  }

  // ---------------------------------------------------------------- copy
  async function copyJson() {
    if (!last) return;
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(last.text);
        ok = true;
      }
    } catch (err) {
      ok = false;
    }
    if (!ok) {
      const area = el("textarea", { class: "offscreen", readonly: true });
      area.value = last.text;
      document.body.append(area);
      area.select();
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      area.remove();
    }
    $("copied").textContent = ok ? t("copied") : t("copyFailed");
    setTimeout(() => { $("copied").textContent = ""; }, 2500);
  }

  // ---------------------------------------------------------------- wiring
  function init() {
    if (document.documentElement.dataset.keyRequired === "true") show("key-box", true);
    for (const b of document.querySelectorAll("[data-lang]")) {
      b.addEventListener("click", () => { lang = b.dataset.lang; applyLanguage(); });
    }
    for (const id of ["file", "camera"]) {
      $(id).addEventListener("change", (e) => { send(e.target.files[0]); e.target.value = ""; });
    }
    const drop = $("drop");
    drop.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); }
    });
    drop.addEventListener("click", (e) => { if (e.target === drop) $("file").click(); });
    let depth = 0;
    document.addEventListener("dragenter", (e) => { e.preventDefault(); depth += 1; drop.classList.add("over"); });
    document.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (!depth) drop.classList.remove("over"); });
    document.addEventListener("dragover", (e) => e.preventDefault());
    document.addEventListener("drop", (e) => {
      e.preventDefault();
      depth = 0;
      drop.classList.remove("over");
      const file = e.dataTransfer && e.dataTransfer.files[0];
      if (file) send(file);
    });
    document.addEventListener("paste", (e) => {
      if (e.target === $("api-key")) return;
      const item = [...(e.clipboardData ? e.clipboardData.items : [])].find((i) => i.kind === "file");
      if (item) send(item.getAsFile());
    });
    $("copy-json").addEventListener("click", copyJson);
    bindLinks();
    applyLanguage();
  }

  init();
})();
