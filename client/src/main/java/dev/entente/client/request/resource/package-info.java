/** Request bodies of the resource routes of the operator API. */
package dev.entente.client.request.resource;
